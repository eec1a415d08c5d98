import IndexAPI
import Testing

@Suite("Token text")
struct TokenTextTests {
    @Test("ww_ID_SECRET made and read back; anything else is no token")
    func roundTrip() {
        let text = TokenText.make(id: "0a1b", secret: "c2d3")
        #expect(text == "ww_0a1b_c2d3")
        #expect(TokenText.parse(text).map { [$0.id, $0.secret] } == ["0a1b", "c2d3"])
        for other in ["", "ww__c2d3", "ww_0a1b_", "xx_0a1b_c2d3", "ww_0a1b_c2d3_e4", "ww_0a1b", "0a1b"] {
            #expect(TokenText.parse(other) == nil, "\(other)")
        }
    }
}
