import Yams

/// Turns a file's bytes into a YAML node tree, refusing hostile or broken input with one
/// clear diagnostic: oversized files, invalid UTF-8, binary data, alias bombs, syntax errors.
package enum YAMLLoader {
    /// A whitelist of 5,000 entries is about 1 MB; anything past this is a mistake or an attack.
    static let maximumSize = 8 << 20

    /// The root node, nil for an empty document, or the reason the file cannot be read.
    package static func load(_ file: SourceFile) -> Result<Node?, Diagnostic> {
        let start = SourceLocation(file: file.path, line: 1, column: 1)
        if file.bytes.count > maximumSize {
            let megabytes = Double(file.bytes.count) / 1_048_576
            return .failure(.error(at: start, "the file is \(megabytes.formatted1) MB; whitelist files may be at most \(maximumSize >> 20) MB: split it into several files"))
        }
        var bytes = file.bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let offset = UTF8Validation.firstInvalidOffset(in: bytes) {
            return .failure(.error(at: location(ofByte: offset, in: bytes, file: file.path), "invalid UTF-8 (byte 0x\(String(bytes[bytes.startIndex + offset], radix: 16, uppercase: true))): save the file as UTF-8 text"))
        }
        if let nul = bytes.firstIndex(of: 0) {
            return .failure(.error(at: location(ofByte: nul - bytes.startIndex, in: bytes, file: file.path), "the file contains a NUL byte: this is binary data, not YAML text"))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let alias = AliasScanner.firstAlias(in: text) {
            return .failure(.error(at: SourceLocation(file: file.path, line: alias.line, column: alias.column), "YAML aliases (*name) are not allowed in whitelists: write the value out, so that a reviewer sees what is built"))
        }
        do {
            return .success(try Yams.compose(yaml: text))
        } catch let error as YamlError {
            return .failure(diagnostic(for: error, file: file.path, text: text))
        } catch {
            return .failure(.error(at: start, "cannot read YAML: \(error)"))
        }
    }

    private static func diagnostic(for error: YamlError, file: String, text: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let while_ = context.map { " \($0.text)" } ?? ""
            return .error(at: at(mark), "YAML syntax error: \(problem)\(while_)")
        case let .composer(_, problem, mark, _):
            return .error(at: at(mark), "YAML error: \(problem)")
        case let .reader(problem, offset, _, _):
            let location = offset.map { characterLocation(ofCharacter: $0, in: text, file: file) }
            return .error(at: location ?? SourceLocation(file: file, line: 1, column: 1), "unreadable text: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return .error(at: at(context.mark), "duplicate key \(keys): each key may appear once in a mapping")
        default:
            return .error(at: SourceLocation(file: file, line: 1, column: 1), "cannot read YAML: \(error)")
        }
    }

    private static func location(ofByte offset: Int, in bytes: ArraySlice<UInt8>, file: String) -> SourceLocation {
        let before = bytes.prefix(offset)
        let line = before.count { $0 == UInt8(ascii: "\n") } + 1
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.startIndex
        let column = String(decoding: bytes[lineStart..<(bytes.startIndex + offset)], as: UTF8.self).unicodeScalars.count + 1
        return SourceLocation(file: file, line: line, column: column)
    }

    private static func characterLocation(ofCharacter offset: Int, in text: String, file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}

extension Double {
    package var formatted1: String {
        let tenths = (self * 10).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
    }
}
