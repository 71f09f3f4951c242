// Linux errno values (asm-generic/errno-base.h, errno.h) and their strerror() texts, as the
// guest and QEMU's strace ("-1 errno=2 (No such file or directory)") show them.

export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8,
  EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17,
  EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25,
  EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, ERANGE = 34, ENAMETOOLONG = 36,
  ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61, EOVERFLOW = 75, EOPNOTSUPP = 95, ETIMEDOUT = 110;

const TEXT: Record<number, string> = {
  1: 'Operation not permitted', 2: 'No such file or directory', 3: 'No such process',
  4: 'Interrupted system call', 5: 'Input/output error', 6: 'No such device or address',
  7: 'Argument list too long', 8: 'Exec format error', 9: 'Bad file descriptor', 10: 'No child processes',
  11: 'Resource temporarily unavailable', 12: 'Cannot allocate memory', 13: 'Permission denied',
  14: 'Bad address', 16: 'Device or resource busy', 17: 'File exists', 18: 'Invalid cross-device link',
  19: 'No such device', 20: 'Not a directory', 21: 'Is a directory', 22: 'Invalid argument',
  23: 'Too many open files in system', 24: 'Too many open files', 25: 'Inappropriate ioctl for device',
  27: 'File too large', 28: 'No space left on device', 29: 'Illegal seek', 30: 'Read-only file system',
  31: 'Too many links', 32: 'Broken pipe', 34: 'Numerical result out of range', 36: 'File name too long',
  38: 'Function not implemented', 39: 'Directory not empty', 40: 'Too many levels of symbolic links',
  61: 'No data available', 75: 'Value too large for defined data type', 95: 'Operation not supported',
  110: 'Connection timed out',
};

export function strerror(errno: number): string {
  return TEXT[errno] ?? `Unknown error ${errno}`;
}
