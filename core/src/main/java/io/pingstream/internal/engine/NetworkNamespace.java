package io.pingstream.internal.engine;

import io.pingstream.internal.jna.Errors;
import io.pingstream.internal.jna.LibC;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;

/**
 * Runs a task in another network namespace. Not API.
 *
 * <p>{@code setns(2)} moves only the calling thread, so the task runs on a short-lived thread
 * that enters the namespace first; sockets it opens stay in that namespace for their lifetime,
 * and files it opens under {@code /proc/sys/net} show that namespace's settings.
 */
public final class NetworkNamespace {

  private NetworkNamespace() {}

  /**
   * Runs {@code task} in {@code namespace}, or on this thread when it is null. The helper thread
   * is gone when this returns. An interrupt does not cut the wait short (the task only opens a
   * socket, and what it opens would be lost): it stays set for the caller.
   */
  public static <T> T call(@Nullable Path namespace, Callable<T> task) throws IOException {
    if (namespace == null) {
      return callUnchecked(task);
    }
    var future = new FutureTask<T>(() -> {
      enter(namespace);
      return task.call();
    });
    var thread = new Thread(future, "pingstream-netns");
    thread.setDaemon(true);
    thread.start();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          T result = future.get();
          thread.join();
          return result;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void enter(Path namespace) throws IOException {
    int fd = LibC.open(namespace.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
    if (fd < 0) {
      var why = Errors.lastError("open");
      throw new IOException("cannot open network namespace " + namespace + ": " + why.getMessage(), why);
    }
    try {
      if (LibC.setns(fd, LibC.CLONE_NEWNET) < 0) {
        var why = Errors.lastError("setns");
        throw new IOException("cannot enter network namespace " + namespace + ": " + why.getMessage(), why);
      }
    } finally {
      LibC.close(fd);
    }
  }

  private static <T> T callUnchecked(Callable<T> task) throws IOException {
    try {
      return task.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
