// docs/openapi.yaml documents exactly the routes the API registers (api_routes()).

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "worker/api/integrations_api.h"

namespace switchboard::api {
namespace {

using Operation = std::pair<std::string, std::string>;  // (METHOD, path)

// The (method, path) pairs under `paths:`, read by indentation: a path is a key indented by
// two spaces, its operations keys indented by four. Enough for the file's regular layout.
std::set<Operation> openapi_operations(std::istream& in) {
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"};
  std::set<Operation> out;
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.find_first_not_of(' ') == std::string::npos) continue;
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == 0) {
      in_paths = line == "paths:";
      continue;
    }
    if (!in_paths || line[indent] == '#') continue;
    const std::string key = line.substr(indent, line.find(':', indent) - indent);
    if (indent == 2) {
      path = key;
    } else if (indent == 4 && kMethods.count(key)) {
      std::string method = key;
      std::transform(method.begin(), method.end(), method.begin(), [](char c) { return static_cast<char>(c - 32); });
      out.emplace(method, path);
    }
  }
  return out;
}

TEST(ApiOpenApi, DocumentsExactlyTheRegisteredRoutes) {
  std::ifstream file(std::string(SWITCHBOARD_SOURCE_DIR) + "/docs/openapi.yaml");
  ASSERT_TRUE(file) << "docs/openapi.yaml not found";
  const std::set<Operation> documented = openapi_operations(file);

  std::set<Operation> served;
  for (const ApiRoute& route : api_routes()) served.emplace(std::string(route.method), std::string(route.path));
  EXPECT_EQ(served.size(), api_routes().size()) << "a route is registered twice";
  EXPECT_EQ(documented, served);
}

TEST(ApiOpenApi, ReaderFindsOperationsByIndentation) {
  std::istringstream yaml(
      "openapi: 3.0.3\npaths:\n  /a:\n    parameters: []\n    get:\n      summary: x\n  /b/{id}:\n"
      "    post:\n      responses: {}\n    delete: {}\ncomponents:\n  /c:\n    get: {}\n");
  const std::set<Operation> expected = {{"GET", "/a"}, {"POST", "/b/{id}"}, {"DELETE", "/b/{id}"}};
  EXPECT_EQ(openapi_operations(yaml), expected);
}

}  // namespace
}  // namespace switchboard::api
