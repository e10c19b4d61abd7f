package io.reflex.engine.policy;

/** A backend failed while evaluating a policy (for example, ONNX Runtime returned an error). */
public final class PolicyEvaluationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PolicyEvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
