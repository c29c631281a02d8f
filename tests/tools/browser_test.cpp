// report.html as a person sees it: headless Chromium (Debian's `chromium`, which this test starts
// itself) loads the default scenario's report from a file:// URL and takes a screenshot; the
// page must log no console message (it has no script, so any is an error: a resource that did
// not load, a parse error) and the screenshot must not be blank. Without Chromium the test says
// so and passes (tools/install-deps.sh --with-browser installs it; tools/test.sh does).
//
// The screenshot is decoded by a minimal PNG decoder (8-bit RGB or RGBA, not interlaced: what
// Chromium writes) on zlib, and kept as browser_test_report.png in the working directory (the
// build directory under ctest) for a person to look at.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "run_ecsim.h"

extern char** environ;

using ecsim::testing::read_file;
using ecsim::testing::run_ecsim;
using ecsim::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = ECSIM_SOURCE_DIR;

// ---------------------------------------------------------------------------------------------
// PNG

struct Image {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> rgb;  // 3 bytes per pixel, row by row; alpha composited over white
};

std::uint32_t be32(std::string_view s, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

int paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// Decodes `png` into `out`. Returns "" or what is wrong.
std::string decode_png(std::string_view png, Image& out) {
  static constexpr unsigned char kSignature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  if (png.size() < 8 || std::memcmp(png.data(), kSignature, 8) != 0) return "no PNG signature";
  std::size_t pos = 8;
  std::string idat;
  bool header = false;
  int colour = 0;
  while (pos + 12 <= png.size()) {
    const std::uint32_t length = be32(png, pos);
    if (length > png.size() - pos - 12) return "a chunk runs past the end";
    const std::string_view type = png.substr(pos + 4, 4);
    const std::string_view data = png.substr(pos + 8, length);
    pos += 12 + length;
    if (type == "IHDR") {
      if (length != 13) return "IHDR is not 13 bytes";
      out.width = be32(data, 0);
      out.height = be32(data, 4);
      colour = static_cast<unsigned char>(data[9]);
      if (data[8] != 8) return "bit depth is not 8";
      if (colour != 2 && colour != 6) return "colour type is not RGB or RGBA";
      if (data[10] != 0 || data[11] != 0 || data[12] != 0) return "compression, filter or interlace method is not 0";
      if (out.width == 0 || out.height == 0 || out.width > 20000 || out.height > 20000) return "unreasonable size";
      header = true;
    } else if (type == "IDAT") {
      idat.append(data);
    } else if (type == "IEND") {
      break;
    }
  }
  if (!header || idat.empty()) return "no IHDR or no IDAT";
  const std::size_t bpp = colour == 6 ? 4 : 3;
  const std::size_t stride = out.width * bpp;
  std::vector<std::uint8_t> raw(out.height * (stride + 1));
  uLongf raw_size = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()), static_cast<uLong>(idat.size())) !=
          Z_OK ||
      raw_size != raw.size()) {
    return "the image data does not inflate to height x (1 + width x bytes per pixel) bytes";
  }
  // Undo the filters row by row (PNG spec, section 9): none, sub, up, average, Paeth.
  std::vector<std::uint8_t> pixels(out.height * stride);
  for (std::size_t y = 0; y < out.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* in = &raw[y * (stride + 1) + 1];
    std::uint8_t* row = &pixels[y * stride];
    const std::uint8_t* up = y > 0 ? &pixels[(y - 1) * stride] : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= bpp ? row[x - bpp] : 0;
      const int b = up != nullptr ? up[x] : 0;
      const int c = up != nullptr && x >= bpp ? up[x - bpp] : 0;
      int predictor = 0;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) / 2; break;
        case 4: predictor = paeth(a, b, c); break;
        default: return "unknown filter type " + std::to_string(filter) + " on row " + std::to_string(y);
      }
      row[x] = static_cast<std::uint8_t>(in[x] + predictor);
    }
  }
  out.rgb.resize(static_cast<std::size_t>(out.width) * out.height * 3);
  for (std::size_t p = 0; p < static_cast<std::size_t>(out.width) * out.height; ++p) {
    const std::uint8_t* px = &pixels[p * bpp];
    const int alpha = bpp == 4 ? px[3] : 255;
    for (std::size_t k = 0; k < 3; ++k) {
      out.rgb[p * 3 + k] = static_cast<std::uint8_t>((px[k] * alpha + 255 * (255 - alpha) + 127) / 255);
    }
  }
  return "";
}

// A PNG of `rgb` (width x height, 8-bit RGB) with row y filtered by filter type y % 5, to test
// the decoder on every filter.
std::string encode_png(std::uint32_t width, std::uint32_t height, const std::vector<std::uint8_t>& rgb) {
  const std::size_t stride = width * 3;
  std::string raw;
  for (std::size_t y = 0; y < height; ++y) {
    const int filter = static_cast<int>(y % 5);
    raw += static_cast<char>(filter);
    for (std::size_t x = 0; x < stride; ++x) {
      const int v = rgb[y * stride + x];
      const int a = x >= 3 ? rgb[y * stride + x - 3] : 0;
      const int b = y > 0 ? rgb[(y - 1) * stride + x] : 0;
      const int c = y > 0 && x >= 3 ? rgb[(y - 1) * stride + x - 3] : 0;
      const int predictor = filter == 0 ? 0 : filter == 1 ? a : filter == 2 ? b : filter == 3 ? (a + b) / 2 : paeth(a, b, c);
      raw += static_cast<char>(static_cast<std::uint8_t>(v - predictor));
    }
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string z(size, '\0');
  compress(reinterpret_cast<Bytef*>(z.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
           static_cast<uLong>(raw.size()));
  z.resize(size);
  const auto u32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
  };
  const auto chunk = [&](const std::string& type, const std::string& data) {
    const std::string body = type + data;
    const auto crc = static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
    return u32(static_cast<std::uint32_t>(data.size())) + body + u32(crc);
  };
  std::string ihdr = u32(width) + u32(height);
  ihdr += std::string{8, 2, 0, 0, 0};
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", z) + chunk("IEND", "");
}

// ---------------------------------------------------------------------------------------------
// Chromium

std::optional<fs::path> find_chromium() {
  if (::access("/usr/bin/chromium", X_OK) == 0) return fs::path("/usr/bin/chromium");
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view rest = path;
  while (!rest.empty()) {
    const std::size_t colon = std::min(rest.find(':'), rest.size());
    const fs::path candidate = fs::path(std::string(rest.substr(0, colon))) / "chromium";
    if (colon > 0 && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    rest.remove_prefix(std::min(colon + 1, rest.size()));
  }
  return std::nullopt;
}

// A file:// URL for an absolute path, unreserved characters and '/' kept, the rest %-encoded.
std::string file_url(const fs::path& p) {
  std::string url = "file://";
  for (const unsigned char c : p.string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url;
}

struct ProcessResult {
  bool started = false;
  bool timed_out = false;
  int status = -1;  // exit status, -1 when killed by a signal
};

// Runs argv[0] with its own process group, stdin from /dev/null, stdout and stderr into `log`,
// and the environment minus the sanitizer options of this (possibly sanitized) test binary,
// which mean nothing to Chromium. Kills the whole group after `timeout`, and any process of the
// group left behind once the main one has exited.
ProcessResult run_with_timeout(const std::vector<std::string>& argv, const fs::path& log, std::chrono::seconds timeout) {
  ProcessResult result;
  std::vector<char*> args;
  std::vector<std::string> copy = argv;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var = *e;
    bool keep = true;
    for (const char* drop : {"ASAN_OPTIONS=", "LSAN_OPTIONS=", "UBSAN_OPTIONS=", "MSAN_OPTIONS=", "TSAN_OPTIONS="}) {
      if (var.rfind(drop, 0) == 0) keep = false;
    }
    if (keep) env.push_back(*e);
  }
  env.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) return result;
  result.started = true;

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int wstatus = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &wstatus, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      waitpid(pid, &wstatus, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(-pid, SIGKILL);  // helpers of our Chromium that outlived it (ESRCH when none)
  result.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  return result;
}

// The lines of `log` that carry page console output: "[...:INFO:CONSOLE:12] "msg", source: ..."
// in current Chromium, "...:CONSOLE(12)] ..." in older ones.
std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin < log.size()) {
    const std::size_t end = std::min(log.find('\n', begin), log.size());
    const std::string line = log.substr(begin, end - begin);
    if (line.find(":CONSOLE:") != std::string::npos || line.find(":CONSOLE(") != std::string::npos) out.push_back(line);
    begin = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("browser: the PNG decoder undoes all five filter types, RGB and RGBA", "[tools][browser]") {
  const std::uint32_t w = 7, h = 10;  // rows 0..9 use filters 0..4 twice
  std::vector<std::uint8_t> rgb(w * h * 3);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>((i * 37 + i / 5 * 11) % 256);
  Image image;
  REQUIRE(decode_png(encode_png(w, h, rgb), image).empty());
  REQUIRE(image.width == w);
  REQUIRE(image.height == h);
  REQUIRE(image.rgb == rgb);
  REQUIRE(decode_png("not a png", image) == "no PNG signature");
  std::string truncated = encode_png(w, h, rgb);
  truncated.resize(truncated.size() - 20);
  REQUIRE_FALSE(decode_png(truncated, image).empty());
}

TEST_CASE("browser: headless Chromium shows the default report, not blank and with no console error",
          "[tools][browser]") {
  const std::optional<fs::path> chromium = find_chromium();
  if (!chromium) {
    WARN("SKIPPED: Chromium not found (/usr/bin/chromium or chromium on PATH); "
         "install it with tools/install-deps.sh --with-browser");
    SUCCEED("skipped: no Chromium");
    return;
  }
  TempDir dir;
  const auto run = run_ecsim({"run", (kSource / "scenarios/default.json").string(), "-o", "out", "--quiet"}, dir.path());
  REQUIRE(run.status == 0);
  const fs::path report = fs::absolute(dir.path() / "out" / "report.html");
  REQUIRE(fs::is_regular_file(report));

  const fs::path profile = dir.path() / "chromium-profile";
  fs::create_directories(profile);
  const fs::path screenshot = dir.path() / "screenshot.png";
  const fs::path log = dir.path() / "chromium.log";
  const ProcessResult chrome = run_with_timeout(
      {chromium->string(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
       "--enable-logging=stderr", "--v=0", "--window-size=1280,2400", "--user-data-dir=" + profile.string(),
       "--screenshot=" + screenshot.string(), file_url(report)},
      log, std::chrono::seconds(120));
  const std::string log_text = read_file(log);
  INFO("Chromium log:\n" << log_text);
  REQUIRE(chrome.started);
  REQUIRE_FALSE(chrome.timed_out);
  REQUIRE(chrome.status == 0);
  REQUIRE(fs::is_regular_file(screenshot));

  // No console output from the page.
  const std::vector<std::string> console = console_lines(log_text);
  for (const auto& line : console) UNSCOPED_INFO(line);
  REQUIRE(console.empty());

  const std::string png = read_file(screenshot);
  {
    // Kept for people: written whole, so that two runs at once never leave half a file.
    const fs::path keep = fs::absolute("browser_test_report.png");
    const fs::path temp = keep.string() + ".tmp-" + std::to_string(::getpid());
    std::ofstream(temp, std::ios::binary) << png;
    fs::rename(temp, keep);
  }
  Image image;
  REQUIRE(decode_png(png, image).empty());
  REQUIRE(image.width == 1280);
  REQUIRE(image.height == 2400);

  // Not blank: the background is the most common colour; at least 2 % of the pixels differ
  // from it, and the page shows many colours (text, the chart palette, antialiasing).
  std::map<std::uint32_t, std::size_t> counts;
  const std::size_t pixels = static_cast<std::size_t>(image.width) * image.height;
  for (std::size_t p = 0; p < pixels; ++p) {
    const std::uint32_t c = static_cast<std::uint32_t>(image.rgb[p * 3]) << 16 |
                            static_cast<std::uint32_t>(image.rgb[p * 3 + 1]) << 8 | image.rgb[p * 3 + 2];
    ++counts[c];
  }
  std::size_t background = 0;
  for (const auto& [colour, n] : counts) background = std::max(background, n);
  const double ink = static_cast<double>(pixels - background) / static_cast<double>(pixels);
  INFO("non-background pixels: " << ink * 100 << " %, distinct colours: " << counts.size());
  REQUIRE(ink >= 0.02);
  REQUIRE(counts.size() >= 16);
  // The chart palette's first colour (#0072B2) is on the page.
  REQUIRE(counts.count(0x0072B2) == 1);
}
