// `ecsim diff OLD NEW [--tolerance PATH=AMOUNT]... [--level P] [--all] [-o DIR] [--quiet]`
// (reports/diff.h): exit 3 when a metric got worse beyond its tolerance.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "reports/diff.h"

namespace ecsim::tools {

// The runs under `dir`: dir itself when it holds summary.json, else every directory below it
// (three levels at most) that does, in path order. Throws sim::InputError when there is none or a
// summary.json is not JSON.
reports::DiffSide read_diff_side(const std::filesystem::path& dir);

int cmd_diff(const std::vector<std::string>& args);
// The options part of `ecsim help diff`.
std::string_view diff_options_help();

}  // namespace ecsim::tools
