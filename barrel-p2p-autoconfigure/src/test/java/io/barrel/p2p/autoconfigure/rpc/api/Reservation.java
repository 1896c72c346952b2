package io.barrel.p2p.autoconfigure.rpc.api;

/**
 * @param item what was reserved
 * @param quantity how many
 * @param node the node that made the reservation
 */
public record Reservation(Item item, int quantity, String node) {}
