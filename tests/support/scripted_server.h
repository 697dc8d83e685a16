#pragma once
// A real TCP server on 127.0.0.1 for integration tests, whose behaviour per request is a
// script: well-behaved HTTP, garbage, resets mid-response, endless headers. It runs its own
// thread; every connection reads one request head (up to the blank line) and then calls the
// handler, which writes whatever it wants to the socket and says whether to keep going.

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <thread>

namespace tracebench::testing {

class ScriptedServer {
 public:
  enum class Next { kKeepAlive, kClose, kReset };
  // Called on the server thread with the connection's fd and the request number on it.
  using Handler = std::function<Next(int fd, int request_on_connection)>;

  explicit ScriptedServer(Handler handler);
  ~ScriptedServer();

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::uint64_t requests_seen() const { return requests_.load(); }
  std::uint64_t connections_seen() const { return connections_.load(); }

  // Helpers for handlers.
  static void write_all(int fd, const std::string& bytes);
  static std::string ok_response(const std::string& body = "ok");

 private:
  // A connection's thread and whether it has returned, so the accept loop can join it.
  struct Connection {
    std::shared_ptr<std::atomic<bool>> done;
    std::thread thread;
  };

  void serve();
  void serve_connection(int fd);
  void join_finished_connections();

  Handler handler_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> connections_{0};
  std::thread thread_;
  // Touched by the accept thread only (and by the destructor after it has joined that).
  std::list<Connection> connections_open_;
};

}  // namespace tracebench::testing
