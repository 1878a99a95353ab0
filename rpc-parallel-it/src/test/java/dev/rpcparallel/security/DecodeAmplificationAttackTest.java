package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.CodecException;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.HostileTypes.Empties;
import dev.rpcparallel.fixtures.HostileTypes.EmptyLists;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * <b>Attack: decode amplification</b>, a small message that decodes into a large heap. An empty
 * record is one byte on the wire but an object (and a list slot) on the heap; a message of 1.9 MiB
 * of them is two million objects. Every decode has a budget of {@link BinaryReader#AMPLIFICATION}
 * (32) bytes of objects per input byte plus {@link BinaryReader#BUDGET_BASE}, charged before the
 * objects are built:
 *
 * <ul>
 *   <li>a list of 1.9 MiB of empty records fits the budget (16 bytes per list element, 16 per
 *       record): it decodes, and the heap it holds, measured after a full GC, stays below the
 *       budget (32 × 1.9 MiB + 64 KiB ≈ 61 MiB);
 *   <li>a list of 1.9 MiB of empty lists (one byte each, 48 bytes charged each) exceeds it: refused
 *       with {@link CodecException} "... (decode budget spent)" before it is built.
 * </ul>
 */
@Timeout(60)
class DecodeAmplificationAttackTest {
  private static final int ELEMENTS = 1_900 * 1024; // 1.9 MiB of one-byte elements
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  /** A record whose only component is a list of {@code n} one-byte zero elements. */
  private static byte[] listOfZeros(int n) {
    BinaryWriter w = new BinaryWriter(n + 8);
    w.writeLength(n);
    w.writeRaw(new byte[n], 0, n);
    return w.toByteArray();
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  @Test
  void listOfEmptyRecordsDecodesWithinTheBudget() {
    byte[] input = listOfZeros(ELEMENTS);
    long budget = BinaryReader.BUDGET_BASE + (long) BinaryReader.AMPLIFICATION * input.length;
    Codec<Empties> codec = Codecs.derive(Empties.class);
    long before = heapAfterGc();
    Empties decoded = codec.fromBytes(input);
    long held = heapAfterGc() - before;
    assertThat(decoded.items()).hasSize(ELEMENTS);
    System.out.printf("%d empty records (%d input bytes) hold %.1f MiB of heap; budget %.1f MiB%n",
        ELEMENTS, input.length, held / 1048576.0, budget / 1048576.0);
    assertThat(held).as("heap held by the decoded value (bytes)").isLessThan(budget);
  }

  @Test
  void listOfEmptyListsExceedsTheBudgetAndIsRefused() {
    byte[] input = listOfZeros(ELEMENTS);
    assertThatThrownBy(() -> Codecs.derive(EmptyLists.class).fromBytes(input))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("decoding would build more than " + BinaryReader.AMPLIFICATION
            + " bytes of objects per input byte (decode budget spent)");
  }
}
