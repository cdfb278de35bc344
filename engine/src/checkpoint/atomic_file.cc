#include "checkpoint/atomic_file.h"

#include <fcntl.h>
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

// Closes the descriptor and removes the temporary unless released.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!released_) ::unlink(path_.c_str());
  }
  Status Open() {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    return fd_ < 0 ? Errno(path_, "create", errno) : Status::OK();
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
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
  // Hidden, and unique per process: a reader listing the folder never takes
  // it for a checkpoint, and two processes never share one.
  TemporaryFile temporary(folder / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid())));
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
