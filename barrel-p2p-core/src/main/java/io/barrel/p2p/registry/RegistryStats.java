package io.barrel.p2p.registry;

/**
 * A registry's counts at one moment, for operators and the actuator.
 *
 * @param entries entries held in the replica, visible or not
 * @param visible instances visible to lookups
 * @param local this node's own registrations
 * @param trackedNodes nodes whose leases are tracked
 * @param rejectedDeltas deltas refused whole (malformed, oversized, from the future)
 * @param rejectedTimestamps remote timestamps refused for being too far ahead
 */
public record RegistryStats(int entries, int visible, int local, int trackedNodes, long rejectedDeltas,
    long rejectedTimestamps) {}
