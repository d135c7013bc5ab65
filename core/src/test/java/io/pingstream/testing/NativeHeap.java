package io.pingstream.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

/**
 * The bytes the process holds from {@code malloc(3)}, as glibc counts them over all its arenas:
 * where JNA's {@code Memory} lives, which the JVM's own counters do not see.
 */
public final class NativeHeap {

  private static final C LIBC = Native.load("c", C.class);

  private NativeHeap() {}

  /** Bytes allocated and not freed: in the arenas plus in chunks of their own mapping. */
  public static long inUse() {
    MallInfo2 info = LIBC.mallinfo2();
    return info.uordblks + info.hblkhd;
  }

  private interface C extends Library {
    MallInfo2 mallinfo2(); // glibc 2.33+
  }

  /** {@code struct mallinfo2}: ten {@code size_t}. */
  @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost"})
  public static final class MallInfo2 extends Structure implements Structure.ByValue {
    public long arena;
    public long ordblks;
    public long smblks;
    public long hblks;
    public long hblkhd;
    public long usmblks;
    public long fsmblks;
    public long uordblks;
    public long fordblks;
    public long keepcost;
  }
}
