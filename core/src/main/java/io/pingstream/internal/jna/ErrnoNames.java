package io.pingstream.internal.jna;

/** Symbolic names of the Linux errno values a socket can report. Not API. */
final class ErrnoNames {

  private static final String[] NAMES = new String[134];

  static {
    String[] pairs = {
      "1", "EPERM", "2", "ENOENT", "3", "ESRCH", "4", "EINTR", "5", "EIO", "6", "ENXIO",
      "9", "EBADF", "11", "EAGAIN", "12", "ENOMEM", "13", "EACCES", "14", "EFAULT",
      "16", "EBUSY", "17", "EEXIST", "19", "ENODEV", "20", "ENOTDIR", "22", "EINVAL",
      "23", "ENFILE", "24", "EMFILE", "28", "ENOSPC", "32", "EPIPE", "38", "ENOSYS",
      "88", "ENOTSOCK", "89", "EDESTADDRREQ", "90", "EMSGSIZE", "91", "EPROTOTYPE",
      "92", "ENOPROTOOPT", "93", "EPROTONOSUPPORT", "94", "ESOCKTNOSUPPORT",
      "95", "EOPNOTSUPP", "97", "EAFNOSUPPORT", "98", "EADDRINUSE", "99", "EADDRNOTAVAIL",
      "100", "ENETDOWN", "101", "ENETUNREACH", "103", "ECONNABORTED", "104", "ECONNRESET",
      "105", "ENOBUFS", "110", "ETIMEDOUT", "111", "ECONNREFUSED", "112", "EHOSTDOWN",
      "113", "EHOSTUNREACH",
    };
    for (int i = 0; i < pairs.length; i += 2) {
      NAMES[Integer.parseInt(pairs[i])] = pairs[i + 1];
    }
  }

  private ErrnoNames() {}

  static String name(int errno) {
    String name = errno >= 0 && errno < NAMES.length ? NAMES[errno] : null;
    return name != null ? name : "E" + errno;
  }
}
