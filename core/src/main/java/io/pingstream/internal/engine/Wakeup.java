package io.pingstream.internal.engine;

import com.sun.jna.Memory;
import io.pingstream.NativeIoException;
import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;

/** An eventfd that wakes the receive loop from poll(2). Not API. */
final class Wakeup {

  final int fd;
  private final Memory one = new Memory(8);
  private final Memory sink = new Memory(8);
  private boolean closed;

  Wakeup() throws NativeIoException {
    fd = Errors.check("eventfd", LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC));
    one.setLong(0, 1);
  }

  /** Wakes the loop; safe from any thread, a no-op once closed (the fd number may be reused). */
  synchronized void signal() {
    if (!closed) {
      LibC.write(fd, one, 8);
    }
  }

  /** Resets the counter; receive loop only. */
  void clear() {
    LibC.read(fd, sink, 8);
  }

  synchronized void close() {
    if (!closed) {
      closed = true;
      LibC.close(fd);
    }
  }
}
