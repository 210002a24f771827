public enum CaseworkCoreVersion { public static let string = "0.1.0" }
