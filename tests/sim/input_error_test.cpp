// sim/input_error.h: messages a terminal can trust, whatever the input holds.
#include "sim/input_error.h"

#include <catch2/catch.hpp>
#include <string>

namespace ecsim::sim {
namespace {

TEST_CASE("input error: control characters in a key or value are escaped, never printed raw", "[input_error]") {
  const std::string key = "\x1b]0;pwned\x07\x1b[31mRED\nfake: line";
  const InputError e("s.json", "/" + key, "a known key", "\"" + key + "\"");
  const std::string what = e.what();
  CHECK(what.find('\x1b') == std::string::npos);
  CHECK(what.find('\x07') == std::string::npos);
  CHECK(what.find('\n') == std::string::npos);
  CHECK(what == "s.json: /\\u001b]0;pwned\\u0007\\u001b[31mRED\\nfake: line: expected a known key, got "
                "\"\\u001b]0;pwned\\u0007\\u001b[31mRED\\nfake: line\"");
}

TEST_CASE("input error: C1 controls, DEL and bytes that are not UTF-8 are escaped, other UTF-8 kept", "[input_error]") {
  CHECK(printable("a\xc2\x9b" "2Jb") == "a\\u009b2Jb");  // U+009B, CSI
  CHECK(printable("del\x7f") == "del\\u007f");
  CHECK(printable("bad\xff\xc3") == "bad\\xff\\xc3");
  CHECK(printable("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80");
  CHECK(printable("tab\there") == "tab\\u0009here");
}

TEST_CASE("input error: a 100k-character key gives a short message that says how long it was", "[input_error]") {
  const std::string key(100000, 'k');
  const InputError e("s.json", "/jobs/0/" + key, "a key of a job", "\"" + key + "\"");
  const std::string what = e.what();
  CHECK(what.size() < 1000);
  CHECK(what.find("... (100008 bytes in all)") != std::string::npos);
  CHECK(what.find("... (100002 bytes in all)") != std::string::npos);
  // A cut never splits a character.
  const std::string euros(300, 'x');
  const std::string cut = printable(euros + "\xe2\x82\xac\xe2\x82\xac", 301);
  CHECK(cut.rfind("x\xe2\x82\xac... (306 bytes in all)") == cut.size() - std::string("x\xe2\x82\xac... (306 bytes in all)").size());
  CHECK(closest_spelling(key, &key, 1).empty());  // no quadratic work on a huge word
}

}  // namespace
}  // namespace ecsim::sim
