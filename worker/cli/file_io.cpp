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

}  // namespace switchboard::cli
