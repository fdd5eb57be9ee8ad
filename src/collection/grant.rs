//! The OAuth2 words of the file format: `grant:` and `client_auth:`, read once when a
//! collection is loaded.

/// `grant:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Browser login with a code (RFC 6749 §4.1, PKCE).
    AuthorizationCode,
    /// A refresh token supplied by the collection (CI).
    RefreshToken,
    /// The client's own credentials.
    ClientCredentials,
    /// Resource owner password.
    Password,
    /// Device authorization (RFC 8628).
    DeviceCode,
}

impl Grant {
    /// Every grant, in the order the file format lists them.
    pub const ALL: [Grant; 5] = [
        Grant::AuthorizationCode,
        Grant::RefreshToken,
        Grant::ClientCredentials,
        Grant::Password,
        Grant::DeviceCode,
    ];

    /// Parses the collection's spelling.
    pub fn parse(s: &str) -> Option<Grant> {
        Grant::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// The collection's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authorization_code",
            Grant::RefreshToken => "refresh_token",
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
            Grant::DeviceCode => "device_code",
        }
    }

    /// Whether a person takes part.
    pub fn is_interactive(self) -> bool {
        matches!(self, Grant::AuthorizationCode | Grant::DeviceCode)
    }
}

/// `client_auth:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `Authorization: Basic` of the form-urlencoded id and secret (the default).
    Basic,
    /// `client_id` and `client_secret` in the form body.
    Body,
    /// Public client: `client_id` only.
    None,
}

impl ClientAuth {
    /// Every way, in the order the file format lists them.
    pub const ALL: [ClientAuth; 3] = [ClientAuth::Basic, ClientAuth::Body, ClientAuth::None];

    /// Parses the collection's spelling.
    pub fn parse(s: &str) -> Option<ClientAuth> {
        ClientAuth::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The collection's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::Basic => "basic",
            ClientAuth::Body => "body",
            ClientAuth::None => "none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for g in Grant::ALL {
            assert_eq!(Grant::parse(g.as_str()), Some(g));
        }
        for c in ClientAuth::ALL {
            assert_eq!(ClientAuth::parse(c.as_str()), Some(c));
        }
        assert_eq!(Grant::parse("implicit"), None);
        assert_eq!(ClientAuth::parse("Basic"), None);
    }
}
