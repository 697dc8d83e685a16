#pragma once
// The parts of a report's Context section that run and sweep reports share, from the
// result's "context", "host", "config" and "schema" (both schemas write them alike, and
// result::read_document_context reads them for both). Never throw.

#include <optional>
#include <string>
#include <vector>

#include "reports/document.h"
#include "result/document_context.h"

namespace tracebench::reports {

// A key-value table: host, CPUs, CPU model, kernel, tool and build, start time, target Go
// version ("unknown (no trace was read)" when absent), schema. Rows without a value are left out.
Table host_table(const result::DocumentContext& context);

// The command line as one shell-quoted line, or nullopt when the result does not record it.
std::optional<CodeBlock> command_line_block(const result::DocumentContext& context);

// Every key of "config" with its value (see result::ConfigEntry; nulls left out).
Table config_table(const result::DocumentContext& context);

// The closing "Warnings" and "Not in this result" blocks: the result's own warnings and the
// ones the report derived, then what the report had no data for ("None." / "Nothing" when empty).
std::vector<Block> warnings_and_gaps_blocks(const std::vector<std::string>& warnings,
                                            const std::vector<std::string>& missing);

// argv as a shell would need it typed: plain words bare, the rest single-quoted.
std::string shell_join(const std::vector<std::string>& argv);

std::string join(const std::vector<std::string>& parts, const std::string& separator);

}  // namespace tracebench::reports
