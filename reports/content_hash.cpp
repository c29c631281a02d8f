#include "reports/content_hash.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>
#if defined(__x86_64__) || defined(__i386__)
// XXH3 with the widest vector unit this processor has (AVX2 or AVX-512, chosen once at run
// time), under the same names: XXH3's result is specified bit for bit, whatever the unit, and
// Debian's libxxhash builds the variants. Hashing tasks.csv takes half the time on AVX2.
#include <xxh_x86dispatch.h>
#endif

#include <cerrno>
#include <new>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace ecsim::reports {

struct ContentHash::State {
  XXH3_state_t* xxh = nullptr;
};

ContentHash::ContentHash() : state_(std::make_unique<State>()) {
  state_->xxh = XXH3_createState();
  if (state_->xxh == nullptr) throw std::bad_alloc();
  XXH3_64bits_reset(state_->xxh);
}

ContentHash::~ContentHash() { XXH3_freeState(state_->xxh); }

void ContentHash::update(std::string_view bytes) {
  if (bytes.empty()) return;
  XXH3_64bits_update(state_->xxh, bytes.data(), bytes.size());
  bytes_ += bytes.size();
}

FileDigest ContentHash::digest() const { return {bytes_, XXH3_64bits_digest(state_->xxh)}; }

FileDigest digest_of(std::string_view bytes) { return {bytes.size(), XXH3_64bits(bytes.data(), bytes.size())}; }

FileDigest digest_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read " + path.string() + ": " + std::generic_category().message(errno));
  ContentHash hash;
  std::vector<char> buffer(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw std::runtime_error("cannot read " + path.string() + ": " + std::generic_category().message(err));
    }
    if (n == 0) break;
    hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  ::close(fd);
  return hash.digest();
}

std::string hash_hex(std::uint64_t hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int k = 15; k >= 0; --k) {
    out[static_cast<std::size_t>(k)] = kDigits[hash & 0xf];
    hash >>= 4;
  }
  return out;
}

std::string OutputManifest::run_id() const {
  std::string lines;
  for (const auto& [name, digest] : files) {
    lines += name;
    lines += ' ';
    lines += std::to_string(digest.bytes);
    lines += ' ';
    lines += hash_hex(digest.hash);
    lines += '\n';
  }
  return hash_hex(digest_of(lines).hash);
}

}  // namespace ecsim::reports
