#pragma once
// Shared plumbing for every command's flags (boost.program_options): one parse call that
// turns any parser complaint into a UsageError, and one wrapper that prefixes a value
// parser's error with the flag it came from ("--duration: bad duration '5x': ...").

#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cli/usage_error.h"

namespace tracebench::cli {

// boost's default style, minus prefix guessing: "--max-cpu" must not quietly stand for
// "--max-cpu-increase", and a typo must fail instead of landing on a neighbouring flag.
inline constexpr int kFlagStyle =
    boost::program_options::command_line_style::default_style & ~boost::program_options::command_line_style::allow_guessing;

// Parses args against options; throws UsageError (unknown flag, missing value, ...).
inline boost::program_options::variables_map parse_flags(const std::vector<std::string>& args,
                                                          const boost::program_options::options_description& options) {
  namespace po = boost::program_options;
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).style(kFlagStyle).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

// The same with positional arguments. For commands whose limits share a flag prefix (check's
// budgets, assert's assertions), an unknown flag starting with `family_prefix` is reported
// as "unknown <noun> '--max-x': expected one of <known>", so a misspelt limit is named as one.
inline boost::program_options::variables_map parse_flags(
    const std::vector<std::string>& args, const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& positional, std::string_view family_prefix = {},
    std::string_view noun = {}, std::string_view known = {}) {
  namespace po = boost::program_options;
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).style(kFlagStyle).run(), vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    if (!family_prefix.empty() && e.get_option_name().starts_with(family_prefix))
      throw UsageError(fmt::format("unknown {} '{}': expected one of {}", noun, e.get_option_name(), known));
    throw UsageError(e.what());
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

// Runs parse(value); any exception it throws becomes a UsageError naming the flag.
template <typename F>
auto parse_flag(std::string_view flag, const std::string& value, F parse) {
  try {
    return parse(value);
  } catch (const UsageError&) {
    throw;
  } catch (const std::exception& e) {
    throw UsageError(fmt::format("{}: {}", flag, e.what()));
  }
}

}  // namespace tracebench::cli
