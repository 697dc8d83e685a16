#include "scripted_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace tracebench::testing {

ScriptedServer::ScriptedServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 512) != 0)
    throw std::runtime_error("scripted server: cannot listen on 127.0.0.1");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

ScriptedServer::~ScriptedServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  thread_.join();
  ::close(listen_fd_);
  for (auto& c : connections_open_) c.thread.join();
}

void ScriptedServer::write_all(int fd, const std::string& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

std::string ScriptedServer::ok_response(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

void ScriptedServer::serve() {
  for (;;) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) {
      if (stopping_) return;
      continue;
    }
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    ++connections_;
    // A server that closes after every answer sees a new connection per request: tens of
    // thousands in a run. Their threads are joined as they finish, or the process runs out
    // of threads (pthread_create fails with EAGAIN) before the run ends.
    join_finished_connections();
    auto done = std::make_shared<std::atomic<bool>>(false);
    connections_open_.push_back({done, std::thread([this, fd, done] {
                                   serve_connection(fd);
                                   *done = true;
                                 })});
  }
}

void ScriptedServer::join_finished_connections() {
  for (auto it = connections_open_.begin(); it != connections_open_.end();) {
    if (!it->done->load()) {
      ++it;
      continue;
    }
    it->thread.join();
    it = connections_open_.erase(it);
  }
}

void ScriptedServer::serve_connection(int fd) {
  std::string pending;
  char buf[4096];
  for (int n_request = 0; !stopping_; ++n_request) {
    // Read one request head; bodies are not used by these tests.
    while (pending.find("\r\n\r\n") == std::string::npos) {
      pollfd p{fd, POLLIN, 0};
      int rc = ::poll(&p, 1, 100);
      if (stopping_) break;
      if (rc <= 0) continue;
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      pending.append(buf, static_cast<std::size_t>(n));
    }
    if (stopping_) break;
    pending.erase(0, pending.find("\r\n\r\n") + 4);
    ++requests_;
    Next next = handler_(fd, n_request);
    if (next == Next::kKeepAlive) continue;
    if (next == Next::kReset) {
      linger l{1, 0};  // close with RST instead of FIN
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    break;
  }
  ::close(fd);
}

}  // namespace tracebench::testing
