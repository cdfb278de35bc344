#include "checkpoint/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "runexp/fault_point.h"

namespace runexp {
namespace {

Status Errno(const std::filesystem::path& path, const std::string& action, int error) {
  return Status::IOError(path.string() + ": cannot " + action + ": " + std::strerror(error));
}

// A uniquely named temporary beside the final file (mkstemp: a leftover of
// a killed writer, or another thread's temporary, is never reused or
// removed). Closes the descriptor and removes the file it created unless
// released.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::filesystem::path& final_path) {
    std::string name = final_path.filename().string();
    name.insert(name.begin(), '.');
    name += ".tmp-XXXXXX";
    path_ = final_path.parent_path() / name;
  }
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (created_ && !released_) ::unlink(path_.c_str());
  }
  Status Open() {
    std::string name = path_.string();
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) return Errno(path_.parent_path(), "create a temporary file in", errno);
    path_ = name;
    created_ = true;
    // mkstemp creates 0600; a checkpoint is as readable as any other output.
    return ::fchmod(fd_, 0644) != 0 ? Errno(path_, "set permissions of", errno) : Status::OK();
  }
  int fd() const { return fd_; }
  Status Close() {
    int fd = fd_;
    fd_ = -1;
    return ::close(fd) != 0 ? Errno(path_, "close", errno) : Status::OK();
  }
  void Release() { released_ = true; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool created_ = false;
  bool released_ = false;
};

Status WriteAll(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return Errno(path, "write", errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return Status::OK();
}

}  // namespace

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path final_path = path.has_parent_path() ? path : std::filesystem::path(".") / path;
  const std::filesystem::path folder = final_path.parent_path();
  // Hidden: a reader listing the folder never takes it for a checkpoint.
  TemporaryFile temporary(final_path);
  if (Status status = temporary.Open(); !status.ok()) return status;
  if (Status status = WriteAll(temporary.fd(), bytes, path); !status.ok()) return status;
  // Bytes written, not yet durable nor visible under the final name.
  if (int error = FaultPoint("checkpoint.after_temp_write")) return Errno(path, "write", error);
  if (::fsync(temporary.fd()) != 0) return Errno(path, "flush to disk", errno);
  if (Status status = temporary.Close(); !status.ok()) return status;
  if (::rename(temporary.path().c_str(), path.c_str()) != 0) return Errno(path, "rename into place", errno);
  temporary.Release();
  int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return Errno(folder, "open folder", errno);
  int synced = ::fsync(dir);
  int error = errno;
  ::close(dir);
  return synced != 0 ? Errno(folder, "flush folder to disk", error) : Status::OK();
}

}  // namespace runexp
