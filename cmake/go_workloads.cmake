# The Go workloads build with Go's own toolchain; this only invokes it, so `ninja` builds
# everything and tests can find the binaries under ${CMAKE_BINARY_DIR}/bin.
find_program(GO_EXECUTABLE go HINTS /usr/local/go/bin $ENV{HOME}/go/bin REQUIRED)
set(TRACEBENCH_GO_BIN_DIR ${CMAKE_BINARY_DIR}/bin)

# go build is incremental, so running it every time costs little and never goes stale.
add_custom_target(go_workloads ALL
  COMMAND ${CMAKE_COMMAND} -E env GOFLAGS=-buildvcs=false
          ${GO_EXECUTABLE} build -o ${TRACEBENCH_GO_BIN_DIR}/ ./cmd/...
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/workloads
  BYPRODUCTS ${TRACEBENCH_GO_BIN_DIR}/demo-server
  COMMENT "Building the Go workloads (go build ./cmd/...)"
  VERBATIM)
