package io.pingstream.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code on a thread of its own on which one system call fails with a chosen errno, as
 * under a container's seccomp profile or on a kernel that lacks the call. The filter stays with
 * that thread, which ends with the code, and with every thread the code starts (clone(2) passes
 * it on): those must end with the code too, else the call stays refused on them for the rest of
 * the run. x86_64 only.
 */
public final class SyscallRefusal {

  /** {@code sendmmsg(2)}'s number on x86_64. */
  public static final int SENDMMSG = 307;
  /** {@code recvmmsg(2)}'s number on x86_64. */
  public static final int RECVMMSG = 299;

  private static final int PR_SET_SECCOMP = 22;
  private static final int PR_SET_NO_NEW_PRIVS = 38;
  private static final int SECCOMP_MODE_FILTER = 2;
  private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
  private static final int SECCOMP_RET_ALLOW = 0x7FFF0000;
  private static final int SECCOMP_RET_ERRNO = 0x00050000;
  // Classic BPF opcodes (linux/filter.h); the filter reads struct seccomp_data: nr @0, arch @4.
  private static final int LD_W_ABS = 0x20;
  private static final int JEQ_K = 0x15;
  private static final int RET_K = 0x06;

  static {
    Native.register(SyscallRefusal.class, "c");
  }

  private static native int prctl(int option, long arg2, Pointer arg3, long arg4, long arg5);

  private SyscallRefusal() {}

  /**
   * Calls {@code body} on a new thread where system call {@code number} fails with {@code
   * errno}, and returns what it returned; skips the test off x86_64.
   */
  public static <T> T call(int number, int errno, Callable<T> body) throws Exception {
    assumeTrue(System.getProperty("os.arch").equals("amd64"), "the seccomp filter is written for x86_64");
    var result = new AtomicReference<T>();
    var failure = new AtomicReference<Throwable>();
    var thread = new Thread(() -> {
      try {
        refuse(number, errno);
        result.set(body.call());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "seccomp-" + number);
    thread.start();
    thread.join();
    if (failure.get() instanceof Exception e) {
      throw e;
    } else if (failure.get() instanceof Error e) {
      throw e;
    } else if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    return result.get();
  }

  private static void refuse(int number, int errno) {
    int[][] program = {
        {LD_W_ABS, 0, 0, 4}, // arch
        {JEQ_K, 0, 3, AUDIT_ARCH_X86_64}, // another ABI: allow
        {LD_W_ABS, 0, 0, 0}, // system call number
        {JEQ_K, 0, 1, number},
        {RET_K, 0, 0, SECCOMP_RET_ERRNO | errno},
        {RET_K, 0, 0, SECCOMP_RET_ALLOW},
    };
    var filter = new Memory(8L * program.length);
    for (int i = 0; i < program.length; i++) {
      filter.setShort(8L * i, (short) program[i][0]);
      filter.setByte(8L * i + 2, (byte) program[i][1]);
      filter.setByte(8L * i + 3, (byte) program[i][2]);
      filter.setInt(8L * i + 4, program[i][3]);
    }
    var fprog = new Memory(16); // struct sock_fprog { u16 len; struct sock_filter *filter; }
    fprog.clear();
    fprog.setShort(0, (short) program.length);
    fprog.setPointer(8, filter);
    // Unprivileged threads may install a filter only once they can gain no privileges.
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, null, 0, 0) != 0
        || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fprog, 0, 0) != 0) {
      throw new IllegalStateException("prctl: errno " + Native.getLastError());
    }
    Reference.reachabilityFence(filter); // fprog holds only its address: the kernel copied it above
  }
}
