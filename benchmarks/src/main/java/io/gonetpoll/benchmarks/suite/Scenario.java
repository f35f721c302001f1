package io.gonetpoll.benchmarks.suite;

/** One measured load against one kind of server, e.g. "a. HTTP hello, 64 connections". */
final class Scenario {
    /** Short id, used in file names and tables: {@code a-c64}. */
    final String id;
    /** The letter (a..f); {@code --only} selects by it. */
    final String letter;
    final String title;
    /** Unit of the rate: {@code req/s}, {@code MB/s}, ... */
    final String unit;
    /** What one operation is, for per-operation figures: {@code req}, {@code MB}, ... */
    final String operation;
    final Load load;
    /** Operations in the separate strace run; 0 when the issue asks no syscall count for this scenario. */
    final long tracedOperations;

    Scenario(String id, String title, String unit, String operation, Load load, long tracedOperations) {
        this.id = id;
        this.letter = id.substring(0, 1);
        this.title = title;
        this.unit = unit;
        this.operation = operation;
        this.load = load;
        this.tracedOperations = tracedOperations;
    }
}
