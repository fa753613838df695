package org.uarpd.engine;

/**
 * One of the engine's tables or queues, its current size and the bound it never exceeds, for a
 * backend to publish as metrics ({@link Engine#bounds()}).
 *
 * @param name  what is bounded (stable, lower case, dotted: see {@link Engine#bounds()})
 * @param link  the link it belongs to, or 0 for the whole engine
 * @param size  entries now
 * @param bound the most it can hold
 */
public record Bound(String name, int link, long size, long bound) {}
