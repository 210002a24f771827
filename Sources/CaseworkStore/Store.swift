import CaseworkCore
import GRDB
import Crypto
