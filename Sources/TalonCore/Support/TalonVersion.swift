/// The release this binary was built from; bumped with each tagged release.
public enum TalonVersion {
    public static let current = "0.1.0"
}
