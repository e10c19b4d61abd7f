package io.reflex.compute.device;

/** {@code --device gpu} on a machine that cannot give it: the message is one line naming what is missing. */
public final class DeviceUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(String message) {
        super(message);
    }
}
