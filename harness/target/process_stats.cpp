#include "target/process_stats.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include "load/clock.h"
#include "target/tcp_connect.h"

namespace tracebench::target {
namespace {

constexpr std::string_view kListenState = "0A";

std::string read_small_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Inodes of sockets listening on `port` in one /proc/net/tcp-style table. Lines look like
//   "  0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 12345 ..."
// fields: sl, local_address, rem_address, st, tx:rx queue, tr:when, retrnsmt, uid, timeout, inode.
void listening_inodes(const std::string& table_path, std::uint16_t port, std::set<unsigned long>& inodes) {
  std::ifstream in(table_path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string sl, local, remote, state, queues, timer, retransmits, uid, timeout;
    unsigned long inode = 0;
    if (!(fields >> sl >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode))
      continue;
    if (state != kListenState || inode == 0) continue;
    const auto colon = local.rfind(':');
    if (colon == std::string::npos) continue;
    unsigned local_port = 0;
    const char* first = local.data() + colon + 1;
    const char* last = local.data() + local.size();
    if (std::from_chars(first, last, local_port, 16).ec != std::errc{}) continue;
    if (local_port == port) inodes.insert(inode);
  }
}

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return pids;
  while (const dirent* e = ::readdir(dir)) {
    pid_t pid = 0;
    const std::string_view name = e->d_name;
    if (std::from_chars(name.data(), name.data() + name.size(), pid).ec == std::errc{} && pid > 0) pids.push_back(pid);
  }
  ::closedir(dir);
  std::sort(pids.begin(), pids.end());
  return pids;
}

bool holds_socket(pid_t pid, const std::set<unsigned long>& inodes) {
  const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* dir = ::opendir(fd_dir.c_str());
  if (dir == nullptr) return false;  // gone, or not ours to see
  bool found = false;
  char target[64];
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const std::string link = fd_dir + "/" + e->d_name;
    const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    const std::string_view t(target, static_cast<std::size_t>(n));
    constexpr std::string_view kSocketPrefix = "socket:[";
    if (t.size() <= kSocketPrefix.size() + 1 || t.substr(0, kSocketPrefix.size()) != kSocketPrefix || t.back() != ']') continue;
    unsigned long inode = 0;
    if (std::from_chars(t.data() + kSocketPrefix.size(), t.data() + t.size() - 1, inode).ec != std::errc{}) continue;
    if (inodes.count(inode) != 0) {
      found = true;
      break;
    }
  }
  ::closedir(dir);
  return found;
}

// The address bytes of an IPv4 or IPv6 sockaddr; an IPv4-mapped IPv6 address as IPv4.
std::string address_bytes(const sockaddr* sa) {
  if (sa == nullptr) return {};
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    return std::string(reinterpret_cast<const char*>(&in->sin_addr), sizeof in->sin_addr);
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
      return std::string(reinterpret_cast<const char*>(&in6->sin6_addr) + 12, 4);
    return std::string(reinterpret_cast<const char*>(&in6->sin6_addr), sizeof in6->sin6_addr);
  }
  return {};
}

bool is_loopback_or_any(const std::string& bytes) {
  if (bytes.size() == 4) return bytes[0] == 127 || bytes == std::string(4, '\0');
  if (bytes.size() == 16) {
    const std::string zeros(15, '\0');
    return bytes.compare(0, 15, zeros) == 0 && (bytes[15] == 1 || bytes[15] == 0);
  }
  return false;
}

}  // namespace

bool is_this_machine(const std::string& host) {
  if (host == "localhost") return true;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return false;
  std::vector<std::string> wanted;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) wanted.push_back(address_bytes(a->ai_addr));
  ::freeaddrinfo(found);
  for (const auto& w : wanted)
    if (is_loopback_or_any(w)) return true;
  ifaddrs* ifs = nullptr;
  if (::getifaddrs(&ifs) != 0) return false;
  bool local = false;
  for (const ifaddrs* i = ifs; i != nullptr && !local; i = i->ifa_next) {
    const std::string mine = address_bytes(i->ifa_addr);
    if (mine.empty()) continue;
    local = std::find(wanted.begin(), wanted.end(), mine) != wanted.end();
  }
  ::freeifaddrs(ifs);
  return local;
}

std::optional<pid_t> find_listening_pid(std::uint16_t port) {
  std::set<unsigned long> inodes;
  listening_inodes("/proc/net/tcp", port, inodes);
  listening_inodes("/proc/net/tcp6", port, inodes);
  if (inodes.empty()) return std::nullopt;
  for (pid_t pid : all_pids())
    if (holds_socket(pid, inodes)) return pid;
  return std::nullopt;
}

ProcessSample sample_process(pid_t pid) {
  ProcessSample s;
  s.taken_ns = load::monotonic_ns();
  const std::string base = "/proc/" + std::to_string(pid);
  const std::string stat = read_small_file(base + "/stat");
  // "pid (comm) state ppid ..." — comm may hold spaces and parentheses, so fields are
  // counted from the last ')'. After it: state is field 3, utime 14, stime 15, threads 20.
  const auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return s;
  std::istringstream fields(stat.substr(close_paren + 1));
  std::vector<std::string> f;
  for (std::string word; fields >> word && f.size() < 18;) f.push_back(word);
  if (f.size() < 18) return s;
  const char state = f[0].empty() ? '?' : f[0][0];
  if (state == 'Z' || state == 'X') return s;
  static const double ticks_per_s = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const auto ticks = [](const std::string& w) {
    unsigned long long v = 0;
    std::from_chars(w.data(), w.data() + w.size(), v);
    return v;
  };
  s.user_s = static_cast<double>(ticks(f[11])) / ticks_per_s;
  s.system_s = static_cast<double>(ticks(f[12])) / ticks_per_s;
  s.cpu_s = s.user_s + s.system_s;
  // The process's CPU clock counts in nanoseconds where the ticks above count in 10 ms: at a
  // few hundred requests per round, ticks alone would quantize CPU per request to tens of µs.
  if (clockid_t clock{}; ::clock_getcpuclockid(pid, &clock) == 0) {
    if (timespec t{}; ::clock_gettime(clock, &t) == 0)
      s.cpu_s = static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
  }
  s.threads = static_cast<std::int64_t>(ticks(f[17]));

  std::ifstream status(base + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream kb(line.substr(6));
    std::uint64_t rss_kb = 0;
    kb >> rss_kb;
    s.rss_bytes = rss_kb * 1024;
    break;
  }
  s.alive = true;
  return s;
}

std::string process_name(pid_t pid) {
  std::string name = read_small_file("/proc/" + std::to_string(pid) + "/comm");
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
  return name;
}

}  // namespace tracebench::target
