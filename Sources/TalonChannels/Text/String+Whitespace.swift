extension StringProtocol {
    /// The text without leading and trailing whitespace (Character-based, so "\r\n" counts as one).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
