#pragma once
// File reads for the command line tools ("-" is standard input).

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::cli {

// The file's bytes, or nullopt with `error` saying why (e.g. "cannot open x.json: No such file").
std::optional<std::string> read_whole_file(const std::string& path, std::string& error);

// Reads a file line by line through one reusable buffer, so a batch of any size costs
// the memory of its longest line (plus a block), not of the whole file.
class LineReader {
 public:
  // Opens `path`; on failure `ok()` is false and `error()` says why.
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool ok() const noexcept { return error_.empty(); }
  const std::string& error() const noexcept { return error_; }

  // The next line without its '\n', valid until the next call; false at the end of the
  // input or on a read error (then `ok()` is false).
  bool next(std::string_view& line);

 private:
  bool fill();

  std::string path_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  bool eof_ = false;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
  std::string error_;
};

}  // namespace switchboard::cli
