package io.pingstream.benchmarks;

import io.pingstream.internal.codec.Checksum;
import io.pingstream.internal.codec.EchoCodec;
import io.pingstream.internal.codec.EchoCodec.Decoded;
import io.pingstream.internal.codec.EchoCodec.EchoReply;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The packet work of one probe: encoding an echo request (with the RAW IPv4 checksum), decoding
 * a RAW IPv4 echo reply (which verifies the checksum), and the checksum alone. Direct buffers,
 * as the engine's native memory.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CodecBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

  private static final long SIGNATURE = 0x5049_4e47_5354_524dL;

  /** The whole IP packet, as {@code PingOptions.size}: 64 is the default, 1500 a full frame. */
  @Param({"64", "1500"})
  public int size;

  private final ByteBuffer request = ByteBuffer.allocateDirect(65_536);
  private final ByteBuffer reply = ByteBuffer.allocateDirect(65_536);
  private final EchoReply decoded = new EchoReply();
  private int icmpLength;
  private int sequence;

  @Setup
  public void setUp() {
    icmpLength = EchoCodec.icmpLength(false, size);
    EchoCodec.encodeRequest(request, false, icmpLength, 0x1234, 7, SIGNATURE, 42L, true);
    // The reply as a RAW IPv4 socket delivers it: a 20-byte IP header, then the echoed message.
    reply.put(0, (byte) 0x45);
    reply.putShort(2, (short) size);
    reply.put(8, (byte) 64);
    reply.put(9, (byte) 1);
    for (int i = 0; i < icmpLength; i++) {
      reply.put(EchoCodec.IPV4_HEADER + i, request.get(i));
    }
    ByteBuffer icmp = reply.duplicate().position(EchoCodec.IPV4_HEADER).slice();
    icmp.put(0, (byte) EchoCodec.ICMP_ECHO_REPLY);
    icmp.putShort(2, (short) 0);
    icmp.putShort(2, (short) Checksum.compute(icmp, 0, icmpLength));
  }

  @Benchmark
  public ByteBuffer encodeRequest() {
    EchoCodec.encodeRequest(request, false, icmpLength, 0x1234, sequence++ & 0xFFFF, SIGNATURE, System.nanoTime(), true);
    return request;
  }

  @Benchmark
  public Decoded decodeReply() {
    Decoded result = EchoCodec.decode(reply, size, size, false, true, decoded);
    if (result != Decoded.ECHO_REPLY) {
      throw new IllegalStateException("benchmark reply decoded as " + result);
    }
    return result;
  }

  @Benchmark
  public int checksum() {
    return Checksum.compute(request, 0, icmpLength);
  }
}
