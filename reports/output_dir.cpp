#include "reports/output_dir.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

#include "reports/checks.h"
#include "reports/explain_writer.h"
#include "reports/graphviz.h"
#include "reports/outputs.h"

namespace ecsim::reports {

const std::vector<std::string_view> kRunDirectoryNames = {
    kSummaryFile,        kRunFile,          kTasksFile,          kInstancesFile,          kTimeseriesFile,
    kZoneTimeseriesFile, kTypeTimeseriesFile, kServiceTimeseriesFile, kProviderTimeseriesFile, kServiceEventsFile,
    kMarkersFile,        kInstanceEventsFile, kClusterDotFile,     kClusterSvgFile,         kReportFile,
    kPlacementsFile,     kChecksJsonFile,   kChecksXmlFile};

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, int err) {
  throw std::runtime_error(what + ": " + std::generic_category().message(err));
}

std::string in_quotes(const fs::path& p) {
  std::string out = "\"";
  out += p.string();
  out += '"';
  return out;
}

// ---- What the signal handler knows -------------------------------------------------------------
//
// One slot per directory being written (threads of a sweep write several at once). The paths are
// copied in before anything is created there; the handler reads them with async-signal-safe calls
// only.
enum SlotState : int {
  kFree = 0,
  kClaimed = 1,   // being filled in
  kWriting = 2,   // staging (maybe) exists: remove it
  kAside = 3,     // DIR renamed aside, staging not yet in: put DIR back, remove staging
  kSwapped = 4,   // new DIR in place: the previous one is at staging (exchange) or aside (fallback)
};

struct Slot {
  std::atomic<int> state{kFree};
  std::array<char, PATH_MAX> target{};
  std::array<char, PATH_MAX> staging{};
  std::array<char, PATH_MAX> aside{};
  std::array<char, PATH_MAX> lock{};
};

std::atomic<bool> g_use_exchange{true};

constexpr int kSlots = 32;
Slot g_slots[kSlots];

bool copy_path(std::array<char, PATH_MAX>& to, const fs::path& from) {
  const std::string& s = from.native();
  if (s.size() >= to.size()) return false;
  std::memcpy(to.data(), s.c_str(), s.size() + 1);
  return true;
}

int claim_slot(const fs::path& target, const fs::path& staging, const fs::path& aside, const fs::path& lock) {
  for (int k = 0; k < kSlots; ++k) {
    int expected = kFree;
    if (!g_slots[k].state.compare_exchange_strong(expected, kClaimed)) continue;
    Slot& s = g_slots[k];
    if (copy_path(s.target, target) && copy_path(s.staging, staging) && copy_path(s.aside, aside) &&
        copy_path(s.lock, lock)) {
      s.state.store(kWriting);
      return k;
    }
    s.state.store(kFree);
    return -1;  // a path too long for the handler: the next writer cleans up instead
  }
  return -1;  // more directories at once than slots: likewise
}

int claim_temporary(const fs::path& path) {
  for (int k = 0; k < kSlots; ++k) {
    int expected = kFree;
    if (!g_slots[k].state.compare_exchange_strong(expected, kClaimed)) continue;
    Slot& s = g_slots[k];
    s.target[0] = s.aside[0] = s.lock[0] = '\0';
    if (copy_path(s.staging, path)) {
      s.state.store(kWriting);
      return k;
    }
    s.state.store(kFree);
    return -1;
  }
  return -1;
}

void set_slot(int slot, SlotState state) {
  if (slot >= 0) g_slots[slot].state.store(state);
}

// ---- Staging directories whose commit() makes their files durable ------------------------------

std::mutex g_staging_mutex;
std::vector<fs::path> g_staging;  // of every OutputDirectory between mkdir and release

void add_staging(const fs::path& staging) {
  const std::lock_guard<std::mutex> lock(g_staging_mutex);
  g_staging.push_back(staging);
}

void remove_staging(const fs::path& staging) {
  const std::lock_guard<std::mutex> lock(g_staging_mutex);
  const auto it = std::find(g_staging.begin(), g_staging.end(), staging);
  if (it != g_staging.end()) g_staging.erase(it);
}

// Removes `name` under `dir_fd`, a directory recursively: async-signal-safe (openat, getdents64,
// unlinkat, close). Best effort: what it cannot remove the next writer will.
void remove_tree_at(int dir_fd, const char* name, int depth) {
  if (::unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT) return;
  if ((errno != EISDIR && errno != EPERM) || depth > 8) return;
  const int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  alignas(8) char buffer[4096];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer);
    if (n <= 0) break;
    for (long offset = 0; offset < n;) {
      // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[].
      unsigned short reclen = 0;
      std::memcpy(&reclen, buffer + offset + 16, sizeof reclen);
      const char* entry = buffer + offset + 19;
      if (std::strcmp(entry, ".") != 0 && std::strcmp(entry, "..") != 0) remove_tree_at(fd, entry, depth + 1);
      offset += reclen;
    }
  }
  ::close(fd);
  ::unlinkat(dir_fd, name, AT_REMOVEDIR);
}

void remove_tree(const char* path) { remove_tree_at(AT_FDCWD, path, 0); }

extern "C" void on_fatal_signal(int sig) {
  const int saved_errno = errno;
  for (Slot& s : g_slots) {
    const int state = s.state.exchange(kFree);
    if (state < kWriting) continue;
    if (state == kAside) ::rename(s.aside.data(), s.target.data());
    remove_tree(s.staging.data());
    if (s.aside[0] != '\0') remove_tree(s.aside.data());
    if (s.lock[0] != '\0') ::unlink(s.lock.data());
  }
  errno = saved_errno;
  // End as the signal would have: default action, raised again.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// ---- The directory -----------------------------------------------------------------------------

fs::path normalized_target(const fs::path& dir) {
  if (dir.empty()) throw std::runtime_error("the output directory is an empty path");
  fs::path p = dir.lexically_normal();
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();  // "out/"
  std::error_code ec;
  if (fs::is_symlink(p, ec)) {
    // A link to the directory: the directory is what gets replaced, beside where it really is.
    p = fs::canonical(p, ec);
    if (ec) fail("cannot follow " + in_quotes(dir), ec.value());
  }
  const fs::path name = p.filename();
  const fs::path absolute = fs::weakly_canonical(fs::absolute(p, ec), ec);
  const fs::path cwd = fs::current_path(ec);
  bool holds_cwd = false;
  if (!absolute.empty() && !cwd.empty()) {
    const auto [a, c] = std::mismatch(absolute.begin(), absolute.end(), cwd.begin(), cwd.end());
    holds_cwd = a == absolute.end();
    (void)c;
  }
  if (name.empty() || name == "." || name == ".." || p == p.root_path() || holds_cwd) {
    throw std::runtime_error(in_quotes(dir) +
                             ": ecsim replaces its output directory whole, so it cannot be the current "
                             "directory or one that holds it; name a directory of its own, such as \"out\"");
  }
  return p;
}

// A hidden temporary file that an earlier writer of the directory left (`.NAME.tmp-<pid>-<n>`).
bool is_temporary_name(std::string_view name) { return name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string_view::npos; }

std::string pid_suffix(std::string_view name, std::string_view prefix) {
  return std::string(name.substr(prefix.size()));
}

// Opens `path` with `flags` and syncs it to disk. EINVAL from fsync is no error for a directory:
// some filesystems cannot sync one.
void fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0) fail("cannot open " + in_quotes(path), errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && !(err == EINVAL && (flags & O_DIRECTORY) != 0)) fail("cannot write " + in_quotes(path), err);
}

void fsync_directory(const fs::path& dir) { fsync_path(dir, O_DIRECTORY); }

// Every file under `dir`, then every directory, innermost first, then `dir`: on disk. The files'
// writeback began when each was closed, so this mostly waits for the last of it, and one journal
// commit covers them all. A writeback error is reported to this new descriptor too: Linux keeps
// an error that no descriptor has seen yet for the next one to sync (since 4.16).
void fsync_tree(const fs::path& dir) {
  std::vector<fs::path> dirs;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_symlink()) continue;
    if (e.is_directory()) {
      dirs.push_back(e.path());
    } else if (e.is_regular_file()) {
      fsync_path(e.path(), O_NOFOLLOW);
    }
  }
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) fsync_directory(*it);
  fsync_directory(dir);
}

// Links (else copies) each file of `from` into `to`.
void link_files(const fs::path& from, const fs::path& to) {
  for (const fs::directory_entry& e : fs::directory_iterator(from)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || is_temporary_name(name)) continue;
    if (::link(e.path().c_str(), (to / name).c_str()) == 0) continue;
    fs::copy_file(e.path(), to / name);  // throws filesystem_error naming both
  }
}

}  // namespace

OutputDirectory::OutputDirectory(fs::path dir, std::span<const std::string_view> names, Start start)
    : target_(normalized_target(dir)) {
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  const std::string name = target_.filename().string();
  const std::string pid = std::to_string(static_cast<long long>(::getpid()));
  const std::string new_prefix = "." + name + ".ecsim-new-";
  const std::string old_prefix = "." + name + ".ecsim-old-";
  staging_ = parent / (new_prefix + pid);
  aside_ = parent / (old_prefix + pid);
  lock_path_ = parent / ("." + name + ".ecsim-lock");

  try {
    // The parents, each remembered so that a failure removes what it made.
    std::vector<fs::path> missing;
    for (fs::path p = parent; !p.empty() && !fs::exists(p); p = p.parent_path()) {
      missing.push_back(p);
      if (p == p.parent_path() || !p.has_parent_path()) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST) fail("cannot create " + in_quotes(*it), errno);
      created_parents_.push_back(*it);
    }

    // The lock. After flock(), the file must still be the one at lock_path_: a holder that
    // released it unlinked it first, and a lock on an unlinked file locks nothing.
    for (;;) {
      lock_fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (lock_fd_ < 0) fail("cannot create " + in_quotes(lock_path_), errno);
      if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        // The holder writes its pid just after it locks: one that has only just locked gets a
        // few milliseconds to, so that the refusal can name it.
        std::string who;
        for (int attempt = 0; err == EWOULDBLOCK && who.empty() && attempt < 50; ++attempt) {
          if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          char holder[32] = {};
          const ssize_t n = ::pread(lock_fd_, holder, sizeof holder - 1, 0);
          if (n > 0) who.assign(holder, static_cast<std::size_t>(n));
          who.erase(std::remove_if(who.begin(), who.end(), [](char c) { return c < '0' || c > '9'; }), who.end());
        }
        ::close(lock_fd_);
        lock_fd_ = -1;
        if (err != EWOULDBLOCK) fail("cannot lock " + in_quotes(lock_path_), err);
        throw OutputInUse(in_quotes(target_) + " is being written by another ecsim process" +
                          (who.empty() ? std::string() : " (pid " + who + ")") +
                          "; wait for it to finish, or write elsewhere");
      }
      struct stat held {}, named {};
      if (::fstat(lock_fd_, &held) == 0 && ::stat(lock_path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
          held.st_dev == named.st_dev) {
        break;
      }
      ::close(lock_fd_);
      lock_fd_ = -1;
    }
    const std::string holder = pid + "\n";
    if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, holder.data(), holder.size(), 0) < 0) {
      fail("cannot write " + in_quotes(lock_path_), errno);
    }

    // Leftovers of writers that died: the lock is ours, so no live process owns them.
    std::vector<fs::path> leftovers;
    for (const fs::directory_entry& e : fs::directory_iterator(parent)) {
      const std::string entry = e.path().filename().string();
      if (entry.rfind(new_prefix, 0) == 0 || entry.rfind(old_prefix, 0) == 0) leftovers.push_back(e.path());
    }
    std::sort(leftovers.begin(), leftovers.end());
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(target_, ec))) {
      // Renamed aside, and the process died before its new outputs took the place: put it back.
      for (const fs::path& p : leftovers) {
        const std::string entry = p.filename().string();
        if (entry.rfind(old_prefix, 0) != 0) continue;
        if (::rename(p.c_str(), target_.c_str()) != 0) fail("cannot put back " + in_quotes(p), errno);
        notices_.push_back("put back " + in_quotes(target_) + " from " + in_quotes(p.filename()) +
                           ", where an interrupted ecsim process (pid " + pid_suffix(entry, old_prefix) + ") left it");
        leftovers.erase(std::find(leftovers.begin(), leftovers.end(), p));
        break;
      }
    }
    for (const fs::path& p : leftovers) {
      const std::string entry = p.filename().string();
      fs::remove_all(p);
      const bool staged = entry.rfind(new_prefix, 0) == 0;
      notices_.push_back("removed " + in_quotes(p) + ", left by an interrupted ecsim process (pid " +
                         pid_suffix(entry, staged ? new_prefix : old_prefix) + ")");
    }

    // DIR is replaced whole: it may hold only what this kind of output consists of.
    const fs::file_status status = fs::status(target_, ec);
    if (fs::exists(status)) {
      if (!fs::is_directory(status)) throw std::runtime_error(in_quotes(target_) + " exists and is not a directory");
      for (const fs::directory_entry& e : fs::directory_iterator(target_)) {
        const std::string entry = e.path().filename().string();
        if (is_temporary_name(entry) || std::find(names.begin(), names.end(), entry) != names.end()) continue;
        throw std::runtime_error(in_quotes(target_) + " holds " + in_quotes(entry) +
                                 ", which ecsim does not write there; ecsim replaces its output directory whole, "
                                 "so it writes only to a new or empty directory or one it wrote before: choose "
                                 "another, or move " + in_quotes(entry) + " away");
      }
    }

    slot_ = claim_slot(target_, staging_, aside_, lock_path_);
    if (::mkdir(staging_.c_str(), 0777) != 0) fail("cannot create " + in_quotes(staging_), errno);
    add_staging(staging_);
    if (start == Start::kKeepExisting && fs::exists(status)) link_files(target_, staging_);
  } catch (...) {
    release();
    throw;
  }
}

OutputDirectory::~OutputDirectory() { release(); }

void OutputDirectory::release() noexcept {
  std::error_code ec;
  remove_staging(staging_);
  if (!committed_ && lock_fd_ >= 0) {
    // Only a writer that holds the lock made the staging directory (or moved DIR aside).
    set_slot(slot_, kWriting);  // no handler may put DIR back twice
    if (!fs::exists(fs::symlink_status(target_, ec)) && fs::exists(fs::symlink_status(aside_, ec))) {
      ::rename(aside_.c_str(), target_.c_str());
    }
    fs::remove_all(staging_, ec);
    fs::remove_all(aside_, ec);
  }
  if (slot_ >= 0) g_slots[slot_].state.store(kFree);
  slot_ = -1;
  if (lock_fd_ >= 0) {
    ::unlink(lock_path_.c_str());  // before unlocking: see the constructor's inode check
    ::close(lock_fd_);
    lock_fd_ = -1;
  }
  if (!committed_) {
    for (auto it = created_parents_.rbegin(); it != created_parents_.rend(); ++it) ::rmdir(it->c_str());
  }
}

void OutputDirectory::commit() {
  fsync_tree(staging_);
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::exists(fs::symlink_status(target_, ec))) {
    const bool exchanged =
        g_use_exchange.load() ? ::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0
                              : (errno = EINVAL, false);
    if (!exchanged) {
      if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
        fail("cannot replace " + in_quotes(target_) + " with " + in_quotes(staging_), errno);
      }
      // No exchange on this filesystem: aside, then in.
      set_slot(slot_, kAside);
      if (::rename(target_.c_str(), aside_.c_str()) != 0) {
        set_slot(slot_, kWriting);
        fail("cannot move " + in_quotes(target_) + " aside", errno);
      }
      if (::rename(staging_.c_str(), target_.c_str()) != 0) {
        const int err = errno;
        ::rename(aside_.c_str(), target_.c_str());
        set_slot(slot_, kWriting);
        fail("cannot rename " + in_quotes(staging_) + " to " + in_quotes(target_), err);
      }
    }
  } else if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
      fail("cannot rename " + in_quotes(staging_) + " to " + in_quotes(target_), errno);
    }
    if (::rename(staging_.c_str(), target_.c_str()) != 0) {
      fail("cannot rename " + in_quotes(staging_) + " to " + in_quotes(target_), errno);
    }
  }
  set_slot(slot_, kSwapped);
  committed_ = true;
  // The new DIR is in place. What follows only tidies up: the previous outputs (at the staging
  // name after an exchange, aside after the fallback) are removed.
  try {
    fsync_directory(parent);
  } catch (const std::exception&) {
    // The rename is done; a parent that cannot be synced changes nothing a reader sees.
  }
  fs::remove_all(staging_, ec);
  fs::remove_all(aside_, ec);
  release();
}

bool durable_with_directory(const fs::path& file) {
  const std::string& path = file.native();
  const std::lock_guard<std::mutex> lock(g_staging_mutex);
  return std::any_of(g_staging.begin(), g_staging.end(), [&](const fs::path& staging) {
    const std::string& dir = staging.native();
    return path.size() > dir.size() + 1 && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
  });
}

int register_temporary(const fs::path& path) { return claim_temporary(path); }

void unregister_temporary(int handle) {
  if (handle >= 0 && handle < kSlots) g_slots[handle].state.store(kFree);
}

bool set_rename_exchange_for_testing(bool use) { return g_use_exchange.exchange(use); }

void install_output_signal_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction previous {};
      // A signal the parent set to be ignored (nohup, a shell's background job) stays ignored.
      if (::sigaction(sig, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
      ::sigaction(sig, &action, nullptr);
    }
  });
}

}  // namespace ecsim::reports
