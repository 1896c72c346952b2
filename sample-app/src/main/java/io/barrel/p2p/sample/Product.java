package io.barrel.p2p.sample;

/**
 * @param sku stock keeping unit
 * @param name what it is
 * @param priceCents unit price in cents
 * @param servedBy the node whose catalog answered
 */
public record Product(String sku, String name, long priceCents, String servedBy) {}
