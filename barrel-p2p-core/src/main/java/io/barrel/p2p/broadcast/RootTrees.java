package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's neighbours split into eager peers (sent every GOSSIP: spanning-tree links) and lazy
 * peers (sent only IHAVE announcements), once per root: the origin of the broadcasts the tree
 * carries. Every neighbour is in exactly one of the two sets of every root.
 *
 * <p>Why one split per root: a link that is redundant for one origin's broadcasts is often the
 * shortest path for another's. With a single split shared by all origins, many concurrent senders
 * make each node prune the links the next sender's tree needs (m1 arrives first from B, so the
 * duplicate from C prunes C; m2 arrives first from C, so B is pruned), the eager links fall apart
 * faster than GRAFTs restore them, and delivery takes seconds over paths of twenty-odd hops. As in
 * riak_core's broadcast, each root keeps its own sets.
 *
 * <p>A root that has no state here has every neighbour eager, the paper's initial state, so only
 * the lazy peers of each root are stored, and a root whose lazy set empties is dropped. State is
 * bounded: at most {@code maxRoots} roots, the least recently used forgotten first, and a root not
 * used for {@code maxAgeNanos} is forgotten (its origin most likely left the cluster). A forgotten
 * root starts again from all-eager: its next broadcast floods once and the duplicates prune the
 * tree back into shape. Insertion- and access-ordered collections keep every iteration, and so
 * every effect list, the same on every run.
 */
final class RootTrees {

  /** The lazy peers of one root, in the order they were pruned, and when the root was last used. */
  private static final class Tree {
    final List<NodeName> lazy = new ArrayList<>(4);
    long usedNanos;
  }

  private final int maxRoots;
  private final long maxAgeNanos;
  /**
   * The neighbours in the order they came up: a handful (the active view), so an array scanned in
   * order, which every GOSSIP pushed reads in one go, where a linked set's entries were an object
   * (and at thousands of simulated nodes a cache miss) each.
   */
  private NodeName[] neighbours = new NodeName[8];
  private int neighbourCount;
  /**
   * In order of last use (a use moves a root to the tail), so the head is both the least recently
   * used root and the one unused longest. Queries do not count as a use.
   */
  private final LinkedHashMap<NodeName, Tree> trees = new LinkedHashMap<>();
  private long evicted;
  /**
   * The root at the tail of {@link #trees} (the one used last) and its tree, or null when not
   * known. Every GOSSIP uses its root two or three times in a row (push, graft, prune); knowing the
   * tail spares the map's remove and put (a moved entry is a new object) for a root already there.
   */
  private NodeName tailRoot;
  private Tree tailTree;
  /** No root was used before this (see {@link ExpiryBound}). */
  private final ExpiryBound oldest = new ExpiryBound();

  RootTrees(int maxRoots, long maxAgeNanos) {
    this.maxRoots = maxRoots;
    this.maxAgeNanos = maxAgeNanos;
  }

  /** A new neighbour is eager in every tree, as in the paper: the first broadcasts prune it where redundant. */
  void up(NodeName peer) {
    if (neighbourIndex(peer) < 0) {
      if (neighbourCount == neighbours.length) {
        neighbours = Arrays.copyOf(neighbours, neighbourCount * 2);
      }
      neighbours[neighbourCount++] = peer;
      return;
    }
    // Up again without a down in between: whatever was recorded for it no longer holds.
    removeEverywhere(peer);
  }

  /** A neighbour that is gone leaves every tree. */
  void down(NodeName peer) {
    int i = neighbourIndex(peer);
    if (i >= 0) {
      System.arraycopy(neighbours, i + 1, neighbours, i, neighbourCount - i - 1); // keeps the order
      neighbours[--neighbourCount] = null;
      removeEverywhere(peer);
    }
  }

  boolean isNeighbour(NodeName peer) {
    return neighbourIndex(peer) >= 0;
  }

  private int neighbourIndex(NodeName peer) {
    for (int i = 0; i < neighbourCount; i++) {
      if (neighbours[i].equals(peer)) {
        return i;
      }
    }
    return -1;
  }

  /** Marks {@code root} as used now: a broadcast of it is being pushed. */
  void touch(NodeName root, long nowNanos) {
    use(root, nowNanos);
  }

  /** The neighbours {@code root}'s broadcasts are pushed to, in a stable order (a snapshot). */
  List<NodeName> eager(NodeName root) {
    Tree tree = find(root);
    if (tree == null) {
      return List.of(Arrays.copyOf(neighbours, neighbourCount));
    }
    List<NodeName> out = new ArrayList<>(neighbourCount);
    for (int i = 0; i < neighbourCount; i++) {
      if (!tree.lazy.contains(neighbours[i])) {
        out.add(neighbours[i]);
      }
    }
    return out;
  }

  /** The neighbours only told of {@code root}'s broadcasts, in the order they were pruned (a snapshot). */
  List<NodeName> lazy(NodeName root) {
    Tree tree = find(root);
    return tree == null ? List.of() : List.copyOf(tree.lazy);
  }

  boolean isEager(NodeName root, NodeName peer) {
    Tree tree = find(root);
    return isNeighbour(peer) && (tree == null || !tree.lazy.contains(peer));
  }

  boolean isLazy(NodeName root, NodeName peer) {
    Tree tree = find(root);
    return tree != null && tree.lazy.contains(peer);
  }

  /** Moves a neighbour into {@code root}'s tree; a peer that is not a neighbour stays unknown. */
  void graft(NodeName root, NodeName peer, long nowNanos) {
    Tree tree = use(root, nowNanos);
    if (tree != null && tree.lazy.remove(peer) && tree.lazy.isEmpty()) {
      trees.remove(root); // all eager again: the default needs no state
      forgetTail();
    }
  }

  /** Moves a neighbour out of {@code root}'s tree; a peer that is not a neighbour stays unknown. */
  void prune(NodeName root, NodeName peer, long nowNanos) {
    if (!isNeighbour(peer)) {
      return;
    }
    Tree tree = use(root, nowNanos);
    if (tree == null) {
      if (trees.size() >= maxRoots) {
        Iterator<Tree> eldest = trees.values().iterator();
        eldest.next();
        eldest.remove();
        forgetTail();
        evicted++;
      }
      tree = new Tree();
      tree.usedNanos = nowNanos;
      trees.put(root, tree);
      tailRoot = root;
      tailTree = tree;
      oldest.added(nowNanos);
    }
    if (!tree.lazy.contains(peer)) {
      tree.lazy.add(peer);
    }
  }

  /** Forgets the roots not used for the configured age. */
  void expire(long nowNanos) {
    if (!oldest.due(nowNanos, maxAgeNanos)) {
      return;
    }
    Iterator<Tree> it = trees.values().iterator();
    while (it.hasNext()) {
      long used = it.next().usedNanos;
      if (nowNanos - used < maxAgeNanos) {
        oldest.expired(used);
        return;
      }
      it.remove();
      forgetTail();
    }
    oldest.expired(ExpiryBound.NONE);
  }

  /** No root is due for expiry before this time; {@code otherwise} when none has state (see {@link ExpiryBound#dueAt}). */
  long dueAt(long otherwise) {
    return oldest.dueAt(maxAgeNanos, otherwise);
  }

  /** The neighbours, in the order they came up (an unmodifiable snapshot). */
  Set<NodeName> neighbours() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(neighbours).subList(0, neighbourCount)));
  }

  int neighbourCount() {
    return neighbourCount;
  }

  /** Roots with state of their own (at least one lazy peer). */
  int roots() {
    return trees.size();
  }

  /** Lazy links summed over the roots with state; each root's eager links are the other neighbours. */
  int lazyLinks() {
    int sum = 0;
    for (Tree tree : trees.values()) {
      sum += tree.lazy.size();
    }
    return sum;
  }

  /** Roots forgotten to stay within {@code maxRoots} so far. */
  long evicted() {
    return evicted;
  }

  /** The root's state, marked as used now and moved to the tail (the most recently used), or null. */
  private Tree use(NodeName root, long nowNanos) {
    Tree tree;
    if (isTail(root)) {
      tree = tailTree; // already the most recently used: moving it to the tail changes nothing
    } else {
      tree = trees.remove(root);
      if (tree == null) {
        return null;
      }
      trees.put(root, tree);
      tailRoot = root;
      tailTree = tree;
    }
    // Never back in time, so the head stays the root unused longest even if a caller's clock is not monotonic.
    tree.usedNanos = Math.max(tree.usedNanos, nowNanos);
    oldest.added(tree.usedNanos);
    return tree;
  }

  /** The root's state, or null; not a use. */
  private Tree find(NodeName root) {
    return isTail(root) ? tailTree : trees.get(root);
  }

  private boolean isTail(NodeName root) {
    return tailRoot != null && (tailRoot == root || tailRoot.equals(root));
  }

  /** A root left the map: it may have been the tail, which is then found through the map again. */
  private void forgetTail() {
    tailRoot = null;
    tailTree = null;
  }

  private void removeEverywhere(NodeName peer) {
    Iterator<Map.Entry<NodeName, Tree>> it = trees.entrySet().iterator();
    while (it.hasNext()) {
      List<NodeName> lazy = it.next().getValue().lazy;
      if (lazy.remove(peer) && lazy.isEmpty()) {
        it.remove();
        forgetTail();
      }
    }
  }
}
