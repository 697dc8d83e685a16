#pragma once
// A text dump of a trace's wire events in file order, in the format of
// `go tool trace -d=wire` (Go 1.24+): one line per event, "Name arg=value ...", stack
// frames on following "\tpc=… func=… file=… line=…" lines and data trailers as
// "\tdata=<Go-quoted bytes>". Like Go's raw reader it reads the bytes as one flat
// event stream with the version's event table and validates nothing else, so the
// golden tests can compare it line by line with the reference tool.
//
// Thread safety: reentrant. Errors: FormatError (bad header, an event type outside the
// version's table, bytes cut short), thrown after the lines before it were written.

#include <cstdio>
#include <string>
#include <string_view>

#include "trace/source.h"

namespace tracebench::trace {

// Writes the dump of source to out. Releases the source behind it as it goes.
void dump_wire(TraceSource& source, std::FILE* out);

// Go's strconv.Quote for the bytes of a data trailer (valid printable UTF-8 kept,
// everything else escaped). Exposed for tests.
std::string go_quote(std::string_view bytes);

}  // namespace tracebench::trace
