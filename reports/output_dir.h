// An output directory replaced whole: a reader of DIR sees the previous complete outputs or the
// new complete outputs, never a mix, whatever fails or kills the writer (SQLite's and LevelDB's
// promise, for a directory).
//
//   OutputDirectory out(dir, kRunDirectoryNames);   // lock DIR, clear leftovers, make the staging directory
//   write_file_atomically(out.staging() / "a.csv", ...);
//   out.commit();                                   // swap it in; the previous DIR is removed
//
// - Staging: everything is written into a hidden sibling, `.NAME.ecsim-new-<pid>`, flushed to
//   disk, then swapped with DIR in one step (renameat2 RENAME_EXCHANGE: Linux 3.15 and later on
//   ext4, xfs, btrfs and tmpfs); on a filesystem without it, DIR is renamed aside to
//   `.NAME.ecsim-old-<pid>` and the staging directory renamed to DIR (a crash between the two
//   leaves DIR missing and the previous outputs aside: the next writer puts them back). The
//   previous outputs are removed after the swap. Destroyed without commit() (an exception, a
//   failed write, a full disk), the staging directory is removed and DIR is as it was.
// - Lock: `.NAME.ecsim-lock` beside DIR, held with flock() from the constructor to commit() or
//   destruction and holding the holder's pid. A second writer of DIR (another ecsim run, report,
//   compare, plan) is refused at once with OutputInUse naming DIR and that pid. The lock file is
//   removed when released; one left by a killed process is harmless (flock locks die with their
//   process) and is reused.
// - Leftovers: under the lock, every `.NAME.ecsim-new-*` and `.NAME.ecsim-old-*` beside DIR was
//   left by a process that died writing DIR. They are removed (DIR put back first when only the
//   old one survived) and each is listed in notices() for the command to report.
// - Durability: every file in the staging directory, and the directory itself, is on disk before
//   the swap. Files written there (AtomicFile, SpoolFile) do not wait for the disk one by one:
//   each starts its writeback when it is closed, and commit() syncs the whole staging tree at
//   once (durable_with_directory below). A large tasks.csv then reaches the disk while the
//   report is rendered, and the many small files share one journal commit.
// - Signals: SIGINT, SIGTERM and SIGHUP remove what the process has staged (and put DIR back
//   when it was renamed aside), release the lock, then end the process as the signal would
//   (install_output_signal_handlers(); the handler uses only async-signal-safe calls).
// - What DIR may hold: DIR is replaced whole, so an existing DIR must hold only names that this
//   kind of output consists of (the `names` given) and hidden temporary files an earlier writer
//   left; anything else (a user's notes, a scenario, `-o .`) is refused with a message naming
//   it, and nothing is touched.
#pragma once

#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecsim::reports {

// Another process is writing the directory.
class OutputInUse : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a directory written by `ecsim run` may hold (reports/outputs.h, checks.h, explain_writer.h).
extern const std::vector<std::string_view> kRunDirectoryNames;

class OutputDirectory {
 public:
  enum class Start {
    kEmpty,         // the staging directory starts empty
    kKeepExisting,  // it starts with DIR's files (hard links, copies where links fail): `ecsim report`
  };

  // Throws OutputInUse when another process holds DIR's lock, std::runtime_error naming the path
  // for anything else (DIR not a directory, holding a name not in `names`, no permission).
  OutputDirectory(std::filesystem::path dir, std::span<const std::string_view> names, Start start = Start::kEmpty);
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;
  ~OutputDirectory();

  // Where to write: the staging directory.
  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }

  // Swaps the staging directory in as DIR, removes the previous DIR and releases the lock.
  void commit();

  // Leftovers of killed writers that the constructor removed or put back, one line each.
  const std::vector<std::string>& notices() const { return notices_; }

 private:
  void release() noexcept;

  std::filesystem::path target_;
  std::filesystem::path staging_;
  std::filesystem::path aside_;  // .NAME.ecsim-old-<pid>
  std::filesystem::path lock_path_;
  std::vector<std::filesystem::path> created_parents_;  // made by the constructor, removed on failure if empty
  int lock_fd_ = -1;
  int slot_ = -1;  // the signal handler's record of this directory
  bool committed_ = false;
  std::vector<std::string> notices_;
};

// A temporary file that the signal handlers remove while it is registered (AtomicFile's, written
// outside an OutputDirectory: `ecsim import`, `graph`, `diff`, `bench --save`). Returns a handle
// for unregister_temporary, or -1 when the handlers cannot take it (the next writer of the
// target removes it then: reports/atomic_file.h).
int register_temporary(const std::filesystem::path& path);
void unregister_temporary(int handle);

// True when `file` lies inside the staging directory of an OutputDirectory not yet committed in
// this process: its commit() makes `file` durable, so a writer need not fsync it itself.
bool durable_with_directory(const std::filesystem::path& file);

// Tests only: when false, commit() takes the two-rename path of filesystems without
// RENAME_EXCHANGE. Returns the previous setting.
bool set_rename_exchange_for_testing(bool use);

// Installs the SIGINT, SIGTERM and SIGHUP handlers described above (idempotent). Commands that
// write output directories call it once at start.
void install_output_signal_handlers();

}  // namespace ecsim::reports
