package dev.logrouter.app.cli;

import picocli.CommandLine;

/** Version from the jar manifest, or {@code dev} when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = LogrouterCommand.class.getPackage().getImplementationVersion();
        return new String[] {"logrouter " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
