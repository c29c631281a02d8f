#include "scenarios/text_files.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace ecsim::scenarios {

std::optional<std::string> read_text_file(const std::string& path, std::string& why) {
  std::error_code ec;
  const std::filesystem::path p(path);
  const auto status = std::filesystem::status(p, ec);
  if (ec || !std::filesystem::exists(status)) {
    why = "not found";
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    why = "not a regular file";
    return std::nullopt;
  }
  const auto size = std::filesystem::file_size(p, ec);
  if (ec) {
    why = "unreadable";
    return std::nullopt;
  }
  if (size > kMaxInputFileBytes) {
    why = "larger than 256 MiB";
    return std::nullopt;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    why = "unreadable";
    return std::nullopt;
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

bool open_text_file(const std::string& path, std::ifstream& in, std::string& why) {
  std::error_code ec;
  const auto status = std::filesystem::status(std::filesystem::path(path), ec);
  if (ec || !std::filesystem::exists(status)) {
    why = "not found";
    return false;
  }
  if (!std::filesystem::is_regular_file(status)) {
    why = "not a regular file";
    return false;
  }
  in.open(path, std::ios::binary);
  if (!in) {
    why = "unreadable";
    return false;
  }
  return true;
}

ReferencedFile locate_referenced_file(const std::string& scenario_label, const std::string& base_dir,
                                      const std::string& relative) {
  const std::filesystem::path rel(relative);
  ReferencedFile out;
  out.path = (std::filesystem::path(base_dir.empty() ? "." : base_dir) / rel).string();
  out.label = (std::filesystem::path(scenario_label).parent_path() / rel).lexically_normal().generic_string();
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = end + 1;
  }
  return lines;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace ecsim::scenarios
