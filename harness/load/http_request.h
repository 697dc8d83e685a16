#pragma once
// Serialises the one request a load run repeats. Built once; every send reuses the bytes.

#include <string>

#include "load/load_config.h"

namespace tracebench::load {

// "METHOD PATH HTTP/1.1", Host, the user's headers, Content-Length when there is a body
// (unless the user set one), then the body. Keep-alive is HTTP/1.1's default.
std::string build_request(const Endpoint& target, const RequestSpec& spec);

}  // namespace tracebench::load
