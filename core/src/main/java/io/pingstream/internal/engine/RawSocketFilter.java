package io.pingstream.internal.engine;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A classic BPF program for RAW sockets that keeps only this engine's echo replies and the ICMP
 * errors that quote its requests, so that other processes' ping traffic is dropped in the kernel
 * and never wakes the receive loop. Not API.
 *
 * <p>An IPv4 RAW socket's filter sees the packet from the IP header on; an IPv6 one from the
 * ICMPv6 header on. Errors whose quoted header has an unusual shape (IPv4 options, IPv6
 * extension headers) are let through for the user-space checks to decide.
 */
final class RawSocketFilter {

  // Opcodes (linux/filter.h).
  private static final int LD_W_ABS = 0x20;
  private static final int LD_B_ABS = 0x30;
  private static final int LD_W_IND = 0x40;
  private static final int LD_B_IND = 0x50;
  private static final int LDX_B_MSH = 0xb1;
  private static final int JEQ_K = 0x15;
  private static final int RET_K = 0x06;
  private static final int ACCEPT_ALL = -1;

  private final long signature;
  private final List<int[]> code = new ArrayList<>();
  private final Map<String, Integer> labels = new HashMap<>();
  /** Instruction index to the labels of its true and false branches. */
  private final Map<Integer, String[]> jumps = new HashMap<>();

  private RawSocketFilter(long signature) {
    this.signature = signature;
  }

  /** The program for {@code signature}, as a {@code struct sock_filter[]} in native memory. */
  static Memory program(boolean ipv6, long signature) {
    return ipv6 ? ipv6(signature) : ipv4(signature);
  }

  /** Number of instructions of {@link #program}. */
  static int length(Memory program) {
    return (int) (program.size() / 8);
  }

  private static Memory ipv4(long signature) {
    var f = new RawSocketFilter(signature);
    f.op(LDX_B_MSH, 0); // X = IP header length
    f.op(LD_B_IND, 0); // ICMP type
    f.jeq(0, "reply", "error?");
    f.label("reply");
    f.signatureAt(LD_W_IND, 8);
    f.label("error?");
    f.jeqAny(new int[] {3, 11, 12}, "error", "drop");
    f.label("error");
    f.op(LD_B_IND, 8); // quoted version and IHL
    f.jeq(0x45, "quoted", "accept");
    f.label("quoted");
    f.signatureAt(LD_W_IND, 8 + 20 + 8);
    return f.finish();
  }

  private static Memory ipv6(long signature) {
    var f = new RawSocketFilter(signature);
    f.op(LD_B_ABS, 0); // ICMPv6 type
    f.jeq(129, "reply", "error?");
    f.label("reply");
    f.signatureAt(LD_W_ABS, 8);
    f.label("error?");
    f.jeqAny(new int[] {1, 2, 3, 4}, "error", "drop");
    f.label("error");
    f.op(LD_B_ABS, 8 + 6); // quoted next header
    f.jeq(58, "quoted", "accept");
    f.label("quoted");
    f.signatureAt(LD_W_ABS, 8 + 40 + 8);
    return f.finish();
  }

  /** Accept if the 8 bytes at {@code offset} are the signature, else drop. */
  private void signatureAt(int load, int offset) {
    String high = "sig" + code.size();
    op(load, offset);
    jeq((int) (signature >>> 32), high, "drop");
    label(high);
    op(load, offset + 4);
    jeq((int) signature, "accept", "drop");
  }

  private void op(int opcode, int k) {
    code.add(new int[] {opcode, 0, 0, k});
  }

  private void jeq(int k, String ifTrue, String ifFalse) {
    jumps.put(code.size(), new String[] {ifTrue, ifFalse});
    op(JEQ_K, k);
  }

  /** Jump to {@code ifAny} when the accumulator equals one of {@code values}, else to {@code ifNone}. */
  private void jeqAny(int[] values, String ifAny, String ifNone) {
    for (int i = 0; i < values.length; i++) {
      boolean last = i == values.length - 1;
      String next = "any" + code.size();
      jeq(values[i], ifAny, last ? ifNone : next);
      if (!last) {
        label(next);
      }
    }
  }

  private void label(String name) {
    labels.put(name, code.size());
  }

  private Memory finish() {
    label("accept");
    op(RET_K, ACCEPT_ALL);
    label("drop");
    op(RET_K, 0);
    var memory = new Memory(code.size() * 8L);
    for (int i = 0; i < code.size(); i++) {
      int[] instruction = code.get(i);
      String[] targets = jumps.get(i);
      if (targets != null) {
        instruction[1] = labels.get(targets[0]) - i - 1;
        instruction[2] = labels.get(targets[1]) - i - 1;
      }
      memory.setShort(i * 8L, (short) instruction[0]);
      memory.setByte(i * 8L + 2, (byte) instruction[1]);
      memory.setByte(i * 8L + 3, (byte) instruction[2]);
      memory.setInt(i * 8L + 4, instruction[3]);
    }
    return memory;
  }
}
