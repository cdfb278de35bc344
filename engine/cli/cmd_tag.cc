// `runexp tag RUN KEY=VALUE... [--remove KEY]...`: label a run after the
// fact ("baseline", "paper=fig3"), change a label, or remove one.
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "output_format.h"
#include "results_location.h"
#include "store_command_support.h"

namespace runexp::cli {

namespace {

struct TagOptions {
  std::string results;
  std::string run;
  std::vector<std::string> assignments;  // KEY=VALUE
  std::vector<std::string> removals;     // KEY
};

Result<std::vector<std::pair<std::string, std::string>>> ParseAssignments(
    const std::vector<std::string>& assignments) {
  std::vector<std::pair<std::string, std::string>> tags;
  for (const std::string& text : assignments) {
    size_t equals = text.find('=');
    if (equals == std::string::npos) {
      return Status::InvalidArgument("expected KEY=VALUE, got '" + text + "' (to remove a tag: --remove " +
                                     text + ")");
    }
    if (equals == 0) return Status::InvalidArgument("tag '" + text + "' has an empty key");
    tags.emplace_back(text.substr(0, equals), text.substr(equals + 1));
  }
  return tags;
}

int TagRun(const TagOptions& options) {
  Result<std::vector<std::pair<std::string, std::string>>> tags = ParseAssignments(options.assignments);
  if (!tags.ok()) return Report(tags.status(), kExitUsage);
  if (tags->empty() && options.removals.empty()) {
    return Report(Status::InvalidArgument("nothing to do: give KEY=VALUE to set a tag or --remove KEY"),
                  kExitUsage);
  }
  Result<std::unique_ptr<store::RunStore>> opened =
      OpenResults(ResultsPath(options.results), StoreAccess::kWrite);
  if (!opened.ok()) return Report(opened.status(), kExitUsage);
  store::RunStore& db = **opened;
  Result<std::string> id = db.ResolveRunId(options.run);
  if (!id.ok()) return Report(id.status(), ExitCodeFor(id.status()));

  // A tag that is not there to remove is a mistake worth stopping for,
  // before anything changes.
  Result<store::RunDetails> before = db.GetRun(*id);
  if (!before.ok()) return Report(before.status(), ExitCodeFor(before.status()));
  for (const std::string& key : options.removals) {
    bool set_now = false;
    for (const auto& tag : *tags) set_now = set_now || tag.first == key;
    if (!before->tags.contains(key) && !set_now) {
      return Report(Status::NotFound("run " + *id + " has no tag '" + key + "'"), kExitUsage);
    }
  }

  for (const auto& [key, value] : *tags) {
    if (Status ok = db.Tag(*id, key, value); !ok.ok()) return Report(ok, ExitCodeFor(ok));
  }
  for (const std::string& key : options.removals) {
    if (Status ok = db.Untag(*id, key); !ok.ok()) return Report(ok, ExitCodeFor(ok));
  }

  Result<store::RunDetails> after = db.GetRun(*id);
  if (!after.ok()) return Report(after.status(), kExitRunFailed);
  std::cout << "run " << EscapeForTerminal(*id) << " tags:";
  if (after->tags.empty()) std::cout << " (none)";
  for (const auto& [key, value] : after->tags) {
    std::cout << " " << EscapeForTerminal(key) << "=" << EscapeForTerminal(value);
  }
  std::cout << "\n";
  return kExitOk;
}

}  // namespace

void RegisterTagCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("tag", "Set or remove tags (KEY=VALUE labels) on a run");
  app->footer(
      "KEY=VALUE sets a tag, replacing that key's value; KEY= sets an empty value. --remove KEY\n"
      "deletes one. Tags are listed by `runexp show` and filter `runexp runs --tag KEY[=VALUE]`.\n"
      "Example: runexp tag 7f3a baseline=yes paper=fig3 --remove draft");
  auto options = std::make_shared<TagOptions>();
  app->add_option("run", options->run, "Run id or unambiguous prefix")->required();
  app->add_option("tags", options->assignments, "Tags to set, KEY=VALUE");
  app->add_option("--remove", options->removals, "Remove the tag KEY (repeatable)")
      ->allow_extra_args(false)
      ->option_text("KEY");
  AddResultsOption(app, options->results);
  registry.Add(app, [options]() { return TagRun(*options); });
}

}  // namespace runexp::cli
