// LineReader: the batch input of `switchboard explain --events`. Lines must come out
// exactly as in the file whatever the block boundaries, with bounded memory.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "worker/cli/file_io.h"

namespace switchboard::cli {
namespace {

class LineReaderTest : public ::testing::Test {
 protected:
  std::string write(const std::string& content) {
    path_ = ::testing::TempDir() + "line_reader_" + std::to_string(counter_++) + ".txt";
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
    return path_;
  }
  static std::vector<std::string> read_all(const std::string& path) {
    LineReader reader(path);
    EXPECT_TRUE(reader.ok()) << reader.error();
    std::vector<std::string> lines;
    std::string_view line;
    while (reader.next(line)) lines.emplace_back(line);
    EXPECT_TRUE(reader.ok()) << reader.error();
    return lines;
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string path_;
  int counter_ = 0;
};

TEST_F(LineReaderTest, SplitsOnNewlinesKeepingEmptyLinesAndALastLineWithoutNewline) {
  EXPECT_EQ(read_all(write("a\n\nbc\r\nd")), (std::vector<std::string>{"a", "", "bc\r", "d"}));
  EXPECT_EQ(read_all(write("a\n")), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(read_all(write("")).empty());
}

TEST_F(LineReaderTest, LinesAcrossBlockBoundariesAndLongerThanABlockComeOutWhole) {
  std::vector<std::string> expected;
  std::string content;
  // ~3.5 MB of lines of varying length, one of them 2.5 MB (longer than the 1 MiB block).
  for (int i = 0; content.size() < 1'000'000; ++i) {
    expected.push_back(std::string(static_cast<std::size_t>(1 + (i * 7919) % 1500), static_cast<char>('a' + i % 26)));
    content += expected.back() + "\n";
  }
  expected.push_back(std::string(2'500'000, 'z'));
  content += expected.back() + "\n";
  expected.push_back("tail");
  content += "tail";
  EXPECT_EQ(read_all(write(content)), expected);
}

TEST_F(LineReaderTest, MissingFileIsAnError) {
  LineReader reader(::testing::TempDir() + "does-not-exist.jsonl");
  EXPECT_FALSE(reader.ok());
  EXPECT_NE(reader.error().find("cannot open"), std::string::npos);
  std::string_view line;
  EXPECT_FALSE(reader.next(line));
}

}  // namespace
}  // namespace switchboard::cli
