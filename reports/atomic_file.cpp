#include "reports/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "reports/output_dir.h"

namespace ecsim::reports {
namespace {

[[noreturn]] void throw_errno(const std::string& what, int err) {
  throw WriteError(what + ": " + std::generic_category().message(err));
}

// `.NAME.tmp-<pid>-<n>` next to the target: same directory, so that rename() is atomic; the
// counter keeps two writers of one process (threads of a sweep) apart.
std::filesystem::path temp_path_for(const std::filesystem::path& target) {
  static std::atomic<std::uint64_t> counter{0};
  const std::uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp-";
  name += std::to_string(static_cast<long long>(::getpid()));
  name += '-';
  name += std::to_string(n);
  return target.parent_path() / name;
}

// Removes the `.NAME.tmp-<pid>-<n>` files beside `target` whose process is gone (killed while it
// wrote). A live pid's file is left alone: another writer may be at work.
void remove_dead_temporaries(const std::filesystem::path& target) {
  std::string prefix = ".";
  prefix += target.filename().string();
  prefix += ".tmp-";
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    long long pid = 0;
    const char* first = name.data() + prefix.size();
    const auto [p, err] = std::from_chars(first, name.data() + name.size(), pid);
    if (err != std::errc() || p == first || *p != '-' || pid <= 0 || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) ::unlink(it->path().c_str());
  }
}

// Syncs the file open at `fd`, to become `target`; or, when the output directory's commit will
// (durable_with_directory), only starts its writeback.
void make_durable(int fd, const std::filesystem::path& target) {
  if (durable_with_directory(target)) {
    (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);  // a hint: the directory's fsync reports
    return;
  }
  if (::fsync(fd) != 0) throw_errno("cannot write " + target.string(), errno);
}

}  // namespace

BufferedWriter::BufferedWriter(int fd, std::filesystem::path path)
    : fd_(fd), path_(std::move(path)), buffer_(new char[kBufferSize]) {}

BufferedWriter::BufferedWriter(std::string& out) : string_(&out), buffer_(new char[kBufferSize]) {}

void BufferedWriter::write(std::string_view text) {
  while (!text.empty()) {
    if (used_ == kBufferSize) flush();
    const std::size_t n = std::min(text.size(), kBufferSize - used_);
    std::memcpy(buffer_.get() + used_, text.data(), n);
    used_ += n;
    text.remove_prefix(n);
  }
}

void BufferedWriter::flush() {
  hash_.update(std::string_view(buffer_.get(), used_));
  if (string_ != nullptr) {
    string_->append(buffer_.get(), used_);
    written_ += used_;
    used_ = 0;
    return;
  }
  const char* p = buffer_.get();
  std::size_t left = used_;
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot write " + path_.string(), errno);
    }
    if (n == 0) throw_errno("cannot write " + path_.string(), EIO);  // no progress: give up
    p += n;
    left -= static_cast<std::size_t>(n);
    written_ += static_cast<std::size_t>(n);
  }
  used_ = 0;
  if (written_ - writeback_from_ >= kWritebackChunk) {
    // Start writing back what is written so far while the run goes on, so that the fsync at
    // commit waits for the last chunk only. A hint: its failure changes nothing (fsync reports).
    (void)::sync_file_range(fd_, static_cast<off_t>(writeback_from_), static_cast<off_t>(written_ - writeback_from_),
                            SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
  }
}

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)), temp_(temp_path_for(target_)) {
  remove_dead_temporaries(target_);
  cleanup_ = register_temporary(temp_);  // before it exists: a signal may come at any point
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    const int err = errno;
    unregister_temporary(cleanup_);
    throw_errno("cannot create " + temp_.string() + " to write " + target_.string(), err);
  }
  writer_ = std::make_unique<BufferedWriter>(fd_, target_);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
  unregister_temporary(cleanup_);
}

FileDigest AtomicFile::commit() {
  writer_->flush();
  // Durable before it becomes visible: after a crash the target is the old file or the new one.
  // In a staging directory, the directory's commit syncs it with the others before any of them
  // becomes visible (reports/output_dir.h); its writeback starts now.
  make_durable(fd_, target_);
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw_errno("cannot write " + target_.string(), errno);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    throw_errno("cannot rename " + temp_.string() + " to " + target_.string(), errno);
  }
  committed_ = true;
  unregister_temporary(cleanup_);
  cleanup_ = -1;
  return writer_->digest();
}

namespace {

// The nearest directory that exists on the way to `near` (itself, a parent, or ".").
std::filesystem::path existing_directory_near(const std::filesystem::path& near) {
  std::error_code ec;
  std::filesystem::path p = near.empty() ? std::filesystem::path(".") : near;
  while (!std::filesystem::is_directory(p, ec)) {
    if (!p.has_parent_path() || p.parent_path() == p) return ".";
    p = p.parent_path();
  }
  return p;
}

}  // namespace

SpoolFile::SpoolFile(const std::filesystem::path& near) {
  const std::filesystem::path dir = existing_directory_near(near);
  fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
  linkable_ = fd_ >= 0;
  if (fd_ < 0) {
    // No O_TMPFILE here: a named file, unlinked at once.
    const std::filesystem::path temp = temp_path_for(dir / "spool");
    fd_ = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) throw_errno("cannot create a temporary file in " + dir.string(), errno);
    ::unlink(temp.c_str());
  }
  writer_ = std::make_unique<BufferedWriter>(fd_, dir / "(temporary file)");
}

SpoolFile::~SpoolFile() {
  if (fd_ >= 0) ::close(fd_);
}

FileDigest SpoolFile::commit(const std::filesystem::path& target) {
  writer_->flush();
  if (linkable_) {
    const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, target.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      make_durable(fd_, target);
      return writer_->digest();
    }
    if (errno != EXDEV && errno != ENOENT && errno != EPERM && errno != EOPNOTSUPP) {
      throw_errno("cannot create " + target.string(), errno);
    }
  }
  // Another filesystem, or no name to link: copy.
  AtomicFile out(target);
  std::unique_ptr<char[]> buffer(new char[BufferedWriter::kBufferSize]);
  for (off_t offset = 0;;) {
    const ssize_t n = ::pread(fd_, buffer.get(), BufferedWriter::kBufferSize, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot read back the temporary file for " + target.string(), errno);
    if (n == 0) break;
    out.writer().write(std::string_view(buffer.get(), static_cast<std::size_t>(n)));
    offset += n;
  }
  return out.commit();
}

FileDigest write_file_atomically(const std::filesystem::path& target,
                                 const std::function<void(BufferedWriter&)>& fill) {
  AtomicFile file(target);
  fill(file.writer());
  return file.commit();
}

FileDigest write_file_atomically(const std::filesystem::path& target, std::string_view contents) {
  return write_file_atomically(target, [contents](BufferedWriter& w) { w.write(contents); });
}

}  // namespace ecsim::reports
