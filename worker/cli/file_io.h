#pragma once
// Whole-file reads for the command line tools ("-" is standard input).

#include <optional>
#include <string>

namespace switchboard::cli {

// The file's bytes, or nullopt with `error` saying why (e.g. "cannot open x.json: No such file").
std::optional<std::string> read_whole_file(const std::string& path, std::string& error);

}  // namespace switchboard::cli
