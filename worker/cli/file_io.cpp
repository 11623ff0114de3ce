#include "worker/cli/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace switchboard::cli {

namespace {
struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
}  // namespace

std::optional<std::string> read_whole_file(const std::string& path, std::string& error) {
  std::unique_ptr<std::FILE, FileCloser> owned;
  std::FILE* f = stdin;
  if (path != "-") {
    owned.reset(std::fopen(path.c_str(), "rb"));
    if (!owned) {
      error = "cannot open " + path + ": " + std::strerror(errno);
      return std::nullopt;
    }
    f = owned.get();
  }
  std::string data;
  char chunk[1 << 16];
  while (true) {
    const std::size_t n = std::fread(chunk, 1, sizeof chunk, f);
    data.append(chunk, n);
    if (n < sizeof chunk) break;
  }
  if (std::ferror(f)) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  return data;
}

namespace {
constexpr std::size_t kBlock = 1 << 20;
}

LineReader::LineReader(const std::string& path) : path_(path), buffer_(kBlock) {
  if (path == "-") {
    file_ = stdin;
    return;
  }
  file_ = std::fopen(path.c_str(), "rb");
  owned_ = file_ != nullptr;
  if (!file_) error_ = "cannot open " + path + ": " + std::strerror(errno);
}

LineReader::~LineReader() {
  if (owned_) std::fclose(file_);
}

// Moves the unread tail to the front and reads another block after it.
bool LineReader::fill() {
  if (eof_ || !file_) return false;
  const std::size_t unread = end_ - begin_;
  std::memmove(buffer_.data(), buffer_.data() + begin_, unread);
  begin_ = 0;
  end_ = unread;
  if (buffer_.size() - end_ < kBlock) buffer_.resize(end_ + kBlock);  // a line longer than a block
  const std::size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
  end_ += n;
  if (n == 0) {
    eof_ = true;
    if (std::ferror(file_)) error_ = "cannot read " + path_ + ": " + std::strerror(errno);
  }
  return n > 0;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scanned = begin_;
  for (;;) {
    const void* newline = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
    if (newline != nullptr) {
      const auto at = static_cast<std::size_t>(static_cast<const char*>(newline) - buffer_.data());
      line = std::string_view(buffer_.data() + begin_, at - begin_);
      begin_ = at + 1;
      return true;
    }
    const std::size_t scanned_count = end_ - begin_;
    if (!fill()) break;
    scanned = scanned_count;  // fill() moved the unread bytes to the front
  }
  if (!ok() || begin_ == end_) return false;
  line = std::string_view(buffer_.data() + begin_, end_ - begin_);  // a last line without '\n'
  begin_ = end_;
  return true;
}

}  // namespace switchboard::cli
