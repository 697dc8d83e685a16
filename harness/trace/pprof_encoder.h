#pragma once
// A delay profile (goroutine_states.h) as a gzip-compressed pprof profile
// (github.com/google/pprof proto/profile.proto), shaped as cmd/trace writes its
// -pprof output: sample types contentions/count and delay/nanoseconds, period type
// trace/count, period 1, one Location per PC, one Function per (name, file).
//
// The protobuf encoding is written here (a dozen fields of five messages), as Go's
// own runtime/pprof does (runtime/pprof/protobuf.go), rather than generated with
// protoc: see docs/trace-reader.md ("Profiles from a trace").
//
// Pure; throws std::runtime_error only if zlib fails (out of memory).

#include <cstdint>
#include <string>

#include "trace/goroutine_states.h"

namespace tracebench::trace {

// The profile's bytes, gzip-compressed. duration_ns: the time the trace covers.
std::string encode_pprof(const DelayProfile& profile, std::int64_t duration_ns);

// The uncompressed protobuf message (tests read it back).
std::string encode_pprof_message(const DelayProfile& profile, std::int64_t duration_ns);

}  // namespace tracebench::trace
