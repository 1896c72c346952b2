package io.barrel.p2p.broadcast;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Message ids in the order they arrived, each with a time, a number and a value, in flat arrays: a
 * ring in arrival order and an open-addressing index from id to ring position. The seen-set and the
 * payload cache are such logs: they add at the tail, expire and evict from the head, and look ids
 * up on every GOSSIP and IHAVE.
 *
 * <p>Why not a {@code LinkedHashMap}: an entry there is three objects (the map's node, the id, the
 * record held), about 110 bytes, and a lookup follows the table, the node and the id, each a
 * dependent cache miss when the node's state is cold (a node handles one of thousands of others'
 * messages in between, in the simulator as in a busy process). Here an entry is 32 bytes in three
 * arrays plus two index slots, a lookup reads the index and then one line of the ring, and adding
 * or removing allocates nothing, so a seen-set of 100,000 ids held for five minutes adds no objects
 * for the collector to promote and later reclaim.
 *
 * <p>The index hashes ids with a seed drawn per log: ids come from peers, and a fixed hash would
 * let one craft ids that all land in one probe run. The seed changes nothing observable, only where
 * in the index an id sits: iteration is always in ring order.
 *
 * <p>Positions returned by {@link #find}, {@link #oldest} and {@link #positionOf} stay valid until the next
 * {@link #append} or {@link #removeOldest}, either of which may move the entries.
 *
 * @param <V> the value kept with each id
 */
final class ArrivalLog<V> {

  private static final int MIN_CAPACITY = 8;
  /** Words per entry in {@link #words}: id high, id low, time. */
  private static final int STRIDE = 3;

  private final long seed = ThreadLocalRandom.current().nextLong();
  /** Entries of ring position p at [3p, 3p + 3): the id's high and low halves and the entry's time. */
  private long[] words;
  private int[] numbers;
  private Object[] values;
  /** Ring position + 1 per slot, 0 for an empty slot; twice the ring's capacity, so at most half full. */
  private int[] index;
  private int head;
  private int size;

  ArrivalLog() {
    allocate(MIN_CAPACITY);
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The ring position of {@code id}, or -1. */
  int find(MessageId id) {
    long high = id.high();
    long low = id.low();
    int mask = index.length - 1;
    for (int slot = home(high, low, mask); index[slot] != 0; slot = (slot + 1) & mask) {
      int p = index[slot] - 1;
      if (words[p * STRIDE] == high && words[p * STRIDE + 1] == low) {
        return p;
      }
    }
    return -1;
  }

  /** The ring position of the oldest entry, or -1 when empty. */
  int oldest() {
    return size == 0 ? -1 : head;
  }

  /** The ring position of the entry {@code rank} places after the oldest ({@code 0 <= rank < size()}). */
  int positionOf(int rank) {
    if (rank < 0 || rank >= size) {
      throw new IndexOutOfBoundsException("rank " + rank + " of " + size);
    }
    return (head + rank) & (numbers.length - 1);
  }

  long time(int position) {
    return words[position * STRIDE + 2];
  }

  int number(int position) {
    return numbers[position];
  }

  @SuppressWarnings("unchecked")
  V value(int position) {
    return (V) values[position];
  }

  /** Changes the entry at {@code position} in place; it keeps its place in arrival order. */
  void set(int position, long time, int number, V value) {
    words[position * STRIDE + 2] = time;
    numbers[position] = number;
    values[position] = value;
  }

  /** Changes the number and value of the entry at {@code position}; its time and place stay. */
  void set(int position, int number, V value) {
    numbers[position] = number;
    values[position] = value;
  }

  /** Adds {@code id}, which must not be in the log, as the newest entry. */
  void append(MessageId id, long time, int number, V value) {
    if (size == numbers.length) {
      resize(numbers.length * 2);
    }
    int p = (head + size) & (numbers.length - 1);
    words[p * STRIDE] = id.high();
    words[p * STRIDE + 1] = id.low();
    words[p * STRIDE + 2] = time;
    numbers[p] = number;
    values[p] = value;
    insert(p);
    size++;
  }

  /** Removes the oldest entry; the log must not be empty. */
  void removeOldest() {
    if (size == 0) {
      throw new IllegalStateException("the log is empty");
    }
    int p = head;
    unindex(p);
    values[p] = null; // let the value go now, not when the slot is reused
    head = (head + 1) & (numbers.length - 1);
    size--;
    // Shrink once a burst has drained, so a log that once held 100,000 ids does not keep their room.
    if (numbers.length > MIN_CAPACITY && size <= numbers.length / 4) {
      resize(numbers.length / 2);
    }
  }

  private void insert(int position) {
    int mask = index.length - 1;
    int slot = home(words[position * STRIDE], words[position * STRIDE + 1], mask);
    while (index[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    index[slot] = position + 1;
  }

  /** Takes {@code position} out of the index, shifting later entries of its probe run back (no tombstones). */
  private void unindex(int position) {
    int mask = index.length - 1;
    int hole = home(words[position * STRIDE], words[position * STRIDE + 1], mask);
    while (index[hole] != position + 1) {
      hole = (hole + 1) & mask;
    }
    for (int next = (hole + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
      int q = index[next] - 1;
      int home = home(words[q * STRIDE], words[q * STRIDE + 1], mask);
      // The entry at next may fill the hole unless its home lies cyclically in (hole, next].
      boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!stays) {
        index[hole] = index[next];
        hole = next;
      }
    }
    index[hole] = 0;
  }

  private void resize(int capacity) {
    long[] oldWords = words;
    int[] oldNumbers = numbers;
    Object[] oldValues = values;
    int oldMask = oldNumbers.length - 1;
    allocate(capacity);
    for (int i = 0; i < size; i++) {
      int from = (head + i) & oldMask;
      System.arraycopy(oldWords, from * STRIDE, words, i * STRIDE, STRIDE);
      numbers[i] = oldNumbers[from];
      values[i] = oldValues[from];
      insert(i);
    }
    head = 0;
  }

  private void allocate(int capacity) {
    words = new long[capacity * STRIDE];
    numbers = new int[capacity];
    values = new Object[capacity];
    index = new int[capacity * 2];
  }

  private int home(long high, long low, int mask) {
    return (int) mix(mix(high ^ seed) ^ low) & mask;
  }

  /** MurmurHash3's 64-bit finaliser: a bijection in which every input bit moves every output bit. */
  private static long mix(long x) {
    x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
    x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return x ^ (x >>> 33);
  }
}
