package dev.logrouter.sinks.encode;

/** How records are delimited on a byte stream (RFC 6587 names both for syslog over TCP). */
public enum Framing {
    /** Each record followed by {@code \n} (json_lines, Filebeat, Logstash, Vector, rsyslog default). */
    LF,
    /** Each record preceded by its byte length and a space: {@code 123 <14>1 ...}. */
    OCTET_COUNTED
}
