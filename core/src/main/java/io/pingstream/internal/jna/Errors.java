package io.pingstream.internal.jna;

import com.sun.jna.Native;
import io.pingstream.NativeIoException;

/** The one place that turns a failed libc call (-1 and errno) into an exception. Not API. */
public final class Errors {

  private Errors() {}

  /** errno of the last native call on this thread. */
  public static int lastErrno() {
    return Native.getLastError();
  }

  /** An exception for {@code method} failing with the current thread's errno. */
  public static NativeIoException lastError(String method) {
    return newException(method, lastErrno());
  }

  /** An exception for {@code method}, called for {@code context}, failing with this thread's errno. */
  public static NativeIoException lastError(String method, String context) {
    return newException(method, lastErrno(), context);
  }

  /** An exception for {@code method} failing with {@code errno}. */
  public static NativeIoException newException(String method, int errno) {
    return newException(method, errno, "");
  }

  /** An exception for {@code method}, called for {@code context}, failing with {@code errno}. */
  public static NativeIoException newException(String method, int errno, String context) {
    return new NativeIoException(method, errno, ErrnoNames.name(errno), describe(errno), context);
  }

  /** The C library's description of {@code errno}, e.g. "Permission denied". */
  public static String describe(int errno) {
    if (!LibC.isAvailable()) {
      return "errno " + errno;
    }
    var text = LibC.strerror(errno);
    return text == null ? "errno " + errno : text.getString(0);
  }

  /** Throws for {@code method} when {@code result} is -1. */
  public static int check(String method, int result) throws NativeIoException {
    if (result == -1) {
      throw lastError(method);
    }
    return result;
  }

  /** Whether the call should simply be retried (interrupted or would block). */
  public static boolean isTransient(int errno) {
    return errno == LibC.EINTR || errno == LibC.EAGAIN;
  }
}
