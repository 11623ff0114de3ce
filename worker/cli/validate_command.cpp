// `switchboard validate`: checks an integrations file against contract sections 1 and 3.5.

#include <iostream>
#include <memory>
#include <string>

#include "routing/json_text.h"
#include "worker/cli/commands.h"
#include "worker/cli/snapshot_file.h"

namespace switchboard::cli {

void add_validate_command(CLI::App& app, CommandRunner& runner) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("validate", "Check an integrations file; prints {\"valid\": ...}");
  cmd->add_option("--integrations", *path, "Integrations file: a JSON array of Integration objects")->required();
  cmd->callback([&runner, path] {
    runner = [path]() -> int {
      auto loaded = load_integrations_file(*path);
      if (loaded.snapshot) {
        std::cout << "{\"valid\":true}\n";
        return 0;
      }
      std::string out = "{\"valid\":false,\"errors\":[";
      for (std::size_t i = 0; i < loaded.errors.size(); ++i) {
        if (i > 0) out.push_back(',');
        out += "{\"path\":";
        routing::append_json_string(out, loaded.errors[i].path);
        out += ",\"message\":";
        routing::append_json_string(out, loaded.errors[i].message);
        out.push_back('}');
      }
      out += "]}\n";
      std::cout << out;
      return kExitUsage;
    };
  });
}

}  // namespace switchboard::cli
